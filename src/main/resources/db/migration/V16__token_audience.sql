-- Tokens name their audience, grants follow sessions (issue 14).

-- RFC 8707: the authorization asked for the API as a resource; the access tokens of its grant then name the API too.
alter table oidc_code add column api_resource boolean default false not null;
alter table oidc_grant add column api_resource boolean default false not null;
-- OpenID Connect Core §11: offline_access was asked; only such a grant outlives the session it came from.
alter table oidc_grant add column offline boolean default false not null;

-- Grants issued before this change are bound to their session, as every grant but an asked-for offline one now is.
-- Staff clients never get offline access: their registered scopes lose it.
update oidc_client set scopes = trim(replace(' ' || scopes || ' ', ' offline_access ', ' ')) where population = 'STAFF';
