-- Staff accounts signed in through the external identity provider set in configuration: its issuer
-- and subject, never a password of ours (those accounts cannot sign in with one).
alter table staff_account add column external_subject varchar(300);
create unique index staff_account_external on staff_account (external_subject);
