-- Staff accounts signed in through the external identity provider set in configuration: its issuer
-- and subject (their SHA-256: a subject may be long), never a password of ours.
alter table staff_account add column external_subject varchar(64);
create unique index staff_account_external on staff_account (external_subject);
