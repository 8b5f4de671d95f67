-- Imported legacy hashes (bcrypt, PBKDF2) are wrapped in Argon2id by LegacyHashes, so a stolen table
-- yields no weak digest, and sign-in time tells nothing about which members still have one.
-- The cost class of a hash that is not one of Rempart's own ("pbkdf2-sha256,i=600000,l=32",
-- "bcrypt,c=10", "argon2id,m=65536,t=3,p=4"); null for Rempart's own Argon2id hashes.
alter table password_credential add column legacy_class varchar(80);
-- True while the hash is still as the old portal made it (the wrapping job's work list).
alter table password_credential add column legacy_pending boolean not null default false;
update password_credential set legacy_pending = true where hash not like '$argon2%';
create index password_credential_legacy_pending on password_credential (legacy_pending);
create index password_credential_legacy_class on password_credential (legacy_class);

-- The outer Argon2id memory each cost class is wrapped with, decided once (by the first node to wrap
-- one) so every hash of a class costs the same: one Argon2id's time in all, the legacy part included.
create table password_legacy_class (
    class_key         varchar(80) primary key,
    outer_memory_kib  integer not null,
    decided_at        timestamp with time zone not null
);
