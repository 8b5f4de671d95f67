-- A genuine code printed on a phishing mail (a photographed letter) would make every check answer
-- "genuine": each code's checks are counted, with the distinct addresses checking it, so a code
-- checked from many places is answered "likely copied" and the security admins are alerted once.
-- The incident a code was sent for, so the campaign counts its copied codes (null: no incident).
alter table sent_message add column incident varchar(40);

-- One row per code checked at least once (unknown codes get none, so guessing fills nothing).
create table message_check (
    code_hash         varchar(64) primary key,
    incident          varchar(40),
    checks            bigint not null,
    addresses         integer not null,
    first_checked_at  timestamp with time zone not null,
    last_checked_at   timestamp with time zone not null,
    -- When the distinct addresses reached the threshold: set once, under the row lock, with the alert.
    copied_at         timestamp with time zone
);
create index message_check_incident on message_check (incident, copied_at);

-- Keyed MACs of the addresses (an IPv6 address by its /64) that checked a code, never the addresses;
-- at most a bounded number per code (MessageCheckCounts.ADDRESS_CAP or the threshold if higher).
create table message_check_address (
    code_hash    varchar(64) not null,
    address_mac  varchar(64) not null,
    seen_at      timestamp with time zone not null,
    primary key (code_hash, address_mac)
);
