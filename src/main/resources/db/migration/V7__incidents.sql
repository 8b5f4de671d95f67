-- Incidents declared by the security administrator; the breach lists and their jobs come with them.
create table incident (
    id               varchar(40) primary key,
    title            varchar(200) not null,
    source           varchar(200) not null,
    occurred_from    date not null,
    occurred_to      date,
    discovered_on    date not null,
    leaked           varchar(200) not null,
    not_leaked       varchar(200) not null,
    update_password  boolean not null,
    configure_totp   boolean not null,
    revoke_sessions  boolean not null,
    declared_at      timestamp with time zone not null,
    declared_by      varchar(120) not null
);
