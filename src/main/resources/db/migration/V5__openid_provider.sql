-- OpenID Provider: signing keys, clients, codes, grants, refresh tokens, security events.

-- A browser session keeps one stable id across its stages: the OpenID "sid" its tokens carry.
alter table web_session add column sid varchar(32);
update web_session set sid = substring(id_hash, 1, 32) where sid is null;
alter table web_session alter column sid set not null;
create index web_session_sid on web_session (sid);

-- Incidents that flagged a member (filled by the breach response); the tokens tell relying parties.
create table member_flag (
    member_id   uuid not null references member (id) on delete cascade,
    incident    varchar(40) not null,
    flagged_at  timestamp with time zone not null,
    primary key (member_id, incident)
);

-- Signing keys, private part sealed by the key ring; published from created_at until retired_at plus the longest token lifetime.
create table oidc_signing_key (
    kid           varchar(64) primary key,
    alg           varchar(10) not null,
    sealed_jwk    bytea not null,
    created_at    timestamp with time zone not null,
    active_from   timestamp with time zone not null,
    retired_at    timestamp with time zone,
    publish_until timestamp with time zone
);

create table oidc_client (
    client_id            varchar(100) primary key,
    secret_hash          varchar(64),
    public_client        boolean not null,
    auth_method          varchar(30) not null,
    jwks                 varchar(8000),
    redirect_uris        varchar(4000) not null,
    post_logout_uris     varchar(4000) not null,
    grant_types          varchar(200) not null,
    scopes               varchar(400) not null,
    groups_claim         varchar(400) not null,
    population           varchar(10) not null,
    id_token_alg         varchar(10),
    events_delivery      varchar(10),
    events_endpoint      varchar(500),
    events_authorization varchar(500),
    source               varchar(10) not null,
    created_at           timestamp with time zone not null,
    updated_at           timestamp with time zone not null
);

-- Authorization requests waiting for the browser to finish signing in.
create table oidc_authorization_request (
    id          varchar(43) primary key,
    parameters  varchar(8000) not null,
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null
);

-- What a member (or staff member) consented to give one client in one session.
create table oidc_grant (
    id           varchar(32) primary key,
    client_id    varchar(100) not null,
    population   varchar(10) not null,
    subject      varchar(64) not null,
    sid          varchar(32),
    scope        varchar(400) not null,
    acr          varchar(60),
    amr          varchar(40) not null,
    auth_time    timestamp with time zone,
    code_hash    varchar(64),
    created_at   timestamp with time zone not null,
    expires_at   timestamp with time zone not null,
    revoked_at   timestamp with time zone,
    revoked_why  varchar(60)
);
create index oidc_grant_subject on oidc_grant (subject);
create index oidc_grant_sid on oidc_grant (sid);
create index oidc_grant_code on oidc_grant (code_hash);

-- Authorization codes: only the SHA-256 is kept; single use, one minute.
create table oidc_code (
    code_hash       varchar(64) primary key,
    client_id       varchar(100) not null,
    redirect_uri    varchar(2000) not null,
    population      varchar(10) not null,
    subject         varchar(64) not null,
    sid             varchar(32),
    scope           varchar(400) not null,
    nonce           varchar(512),
    code_challenge  varchar(128),
    acr             varchar(60),
    amr             varchar(40) not null,
    auth_time       timestamp with time zone not null,
    created_at      timestamp with time zone not null,
    expires_at      timestamp with time zone not null,
    used_at         timestamp with time zone
);

-- Refresh tokens, rotated at each use; a used one presented again revokes its grant.
create table oidc_refresh_token (
    token_hash  varchar(64) primary key,
    grant_id    varchar(32) not null references oidc_grant (id) on delete cascade,
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    used_at     timestamp with time zone
);
create index oidc_refresh_token_grant on oidc_refresh_token (grant_id);

-- Access tokens revoked one by one (RFC 7009), kept until they expire anyway.
create table oidc_revoked_token (
    jti         varchar(43) primary key,
    expires_at  timestamp with time zone not null
);

-- private_key_jwt assertions already used (each jti once, until it expires).
create table oidc_assertion (
    jti_hash    varchar(64) primary key,
    expires_at  timestamp with time zone not null
);

-- Security Event Tokens (RFC 8417), one row per receiver, signed when delivered: pushed (RFC 8935) with retries, or kept for polling (RFC 8936).
create table oidc_security_event (
    id               bigint generated by default as identity primary key,
    jti              varchar(43) not null,
    client_id        varchar(100) not null,
    event_type       varchar(200) not null,
    claims           varchar(8000) not null,
    delivery         varchar(10) not null,
    created_at       timestamp with time zone not null,
    attempts         integer not null,
    next_attempt_at  timestamp with time zone not null,
    delivered_at     timestamp with time zone,
    last_error       varchar(500),
    constraint oidc_security_event_jti unique (client_id, jti)
);
create index oidc_security_event_due on oidc_security_event (delivered_at, next_attempt_at);
