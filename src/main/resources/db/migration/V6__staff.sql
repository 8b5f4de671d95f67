-- Helpdesk and security staff: a population of their own, apart from members. The second factor
-- is part of the account (no staff account works without it): the secret sealed under the TOTP
-- data key, bound to the account's id; totp_last_step is the last accepted time step, so no code
-- is ever accepted twice, across restarts and nodes.
create table staff_account (
    id                    uuid primary key,
    username              varchar(40) not null,
    display_name          varchar(100) not null,
    email                 varchar(254) not null,
    staff_groups          varchar(100) not null,
    password_hash         varchar(512) not null,
    must_change_password  boolean not null,
    totp_secret           bytea,
    totp_algorithm        varchar(6),
    totp_digits           integer,
    totp_period           integer,
    totp_confirmed_at     timestamp with time zone,
    totp_last_step        bigint not null,
    disabled              boolean not null,
    created_at            timestamp with time zone not null,
    updated_at            timestamp with time zone not null,
    constraint staff_account_username unique (username)
);

-- Staff sessions, server-side like web_session: only the token's SHA-256 is stored. sid is a random
-- identifier that stays the same when the session changes stage (and token), for the OpenID
-- provider's ID tokens and logout. pending_totp holds the secret of an enrolment in progress, sealed:
-- it belongs to this session only, never to another browser signing in with the same password.
create table staff_session (
    id_hash       varchar(64) primary key,
    sid           varchar(22) not null,
    staff_id      uuid not null references staff_account (id) on delete cascade,
    stage         varchar(20) not null,
    amr           varchar(40) not null,
    auth_time     timestamp with time zone not null,
    pending_totp  bytea,
    created_at    timestamp with time zone not null,
    last_seen_at  timestamp with time zone not null,
    expires_at    timestamp with time zone not null,
    ip            varchar(45),
    user_agent    varchar(200),
    constraint staff_session_sid unique (sid)
);
create index staff_session_staff on staff_session (staff_id);
