-- Breach-list imports: the uploaded file is kept until its job ends, so a job killed in the middle starts again.
create table breach_job (
    id             varchar(40) primary key,
    incident_id    varchar(40) not null references incident (id),
    status         varchar(10) not null,
    dry_run        boolean not null,
    file_path      varchar(500) not null,
    file_bytes     bigint not null,
    file_sha256    varchar(64) not null,
    bytes_read     bigint not null,
    rows_read      bigint not null,
    invalid        bigint not null,
    duplicates     bigint not null,
    matched        bigint not null,
    unmatched      bigint not null,
    review         bigint not null,
    flagged        bigint not null,
    already_flagged bigint not null,
    notified       bigint not null,
    error          varchar(500),
    created_by     varchar(120) not null,
    created_at     timestamp with time zone not null,
    finished_at    timestamp with time zone
);
create index breach_job_incident on breach_job (incident_id, status);

create table breach_reject (
    job_id   varchar(40) not null references breach_job (id) on delete cascade,
    line     bigint not null,
    code     varchar(30) not null,
    col      varchar(20),
    primary key (job_id, line)
);

-- A NIR that belongs to a member whose name or birth date differs: a person must look, nothing is flagged.
create table breach_review (
    job_id     varchar(40) not null references breach_job (id) on delete cascade,
    line       bigint not null,
    member_id  uuid not null references member (id) on delete cascade,
    reason     varchar(30) not null,
    primary key (job_id, line, member_id)
);

-- The NIR blind indexes a job has seen, to count duplicates with flat memory whatever the file's size.
create table breach_seen (
    job_id     varchar(40) not null,
    nir_index  varchar(64) not null,
    primary key (job_id, nir_index)
);
