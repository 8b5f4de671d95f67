-- Hardening that needs what the leak does not give (issue 14).

-- Accounts whose forced password change and second-factor enrolment may only be completed in a
-- session that proved control of a contact on file (an incident flagged them, the member reported
-- giving a password away, the helpdesk removed the second factor). Cleared when that hardening is done
-- in such a session; until then the account stays at risk for relying parties.
create table hardening_proof_required (
    member_id   uuid primary key references member (id) on delete cascade,
    reason      varchar(200) not null,
    since       timestamp with time zone not null
);

-- One-time codes that prove a contact on file: by e-mail (bound to the session that asked for it,
-- minutes), or printed in a breach letter (bound to the member, weeks). Only a keyed MAC is kept.
create table hardening_code (
    id          varchar(32) primary key,
    member_id   uuid not null references member (id) on delete cascade,
    channel     varchar(6) not null check (channel in ('EMAIL', 'LETTER')),
    sid         varchar(32),
    code_mac    varchar(64) not null,
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    used_at     timestamp with time zone
);
create index hardening_code_member on hardening_code (member_id, channel);

-- A session (its OpenID sid, stable through the sign-in stages) that gave such a proof.
create table hardening_session_proof (
    sid         varchar(32) primary key,
    member_id   uuid not null references member (id) on delete cascade,
    channel     varchar(6) not null,
    proven_at   timestamp with time zone not null,
    expires_at  timestamp with time zone not null
);

-- Flagged members whose hardening is still pending now need that proof to finish it. Those who
-- finished before this version did so with the password alone and stay as they are.
insert into hardening_proof_required (member_id, reason, since)
select distinct f.member_id, 'incident', f.flagged_at from member_flag f join member m on m.id = f.member_id
where (m.required_actions like '%UPDATE_PASSWORD%' or m.required_actions like '%CONFIGURE_TOTP%')
  and f.flagged_at = (select min(g.flagged_at) from member_flag g where g.member_id = f.member_id);

-- A second factor being enrolled belongs to the session that started it, for ten minutes: two
-- browsers holding the same password never see the same secret.
create table totp_pending (
    sid         varchar(32) primary key,
    member_id   uuid not null references member (id) on delete cascade,
    secret      bytea not null,
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null
);
create index totp_pending_member on totp_pending (member_id);
delete from totp_credential where confirmed = false;
