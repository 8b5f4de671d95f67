-- Every notice carries a verification code; anyone can check one. Only the code's SHA-256 is kept,
-- with when, by which channel and for what the message was sent: never who received it.
create table sent_message (
    code_hash  varchar(64) primary key,
    channel    varchar(10) not null,
    purpose    varchar(40) not null,
    sent_at    timestamp with time zone not null
);
