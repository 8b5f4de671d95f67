-- Four eyes compares people, not the name of the way they came in: the person who asked
-- (the staff account's id whenever the caller has one, else the token's issuer and subject).
-- Requests filed before this column are compared by their actor, as before.
alter table helpdesk_approval add column requester varchar(200);
