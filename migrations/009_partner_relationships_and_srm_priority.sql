-- Partners (issue 12): a partner's relationships, and its SRM priority with the history of who set it.
--
-- Relationships: a partner service is cooperated with bilaterally, inside NATO, inside the EU or in
-- another multilateral setting, any of them at once, each since a date. Until now a partner had one
-- `relationship`; each becomes the partner's one relationship, since the day it was registered.
create table partner_relationships (
  partner_id  uuid not null references partners(id),
  kind        text not null check (kind in ('bilateral', 'nato', 'eu', 'other_multilateral')),
  since       date not null,
  primary key (partner_id, kind)
);
comment on table partner_relationships is
  'How the service cooperates with a partner: one row per kind of relationship (each kind once), with the date it began. A partner has at least one (the API refuses none).';

insert into partner_relationships (partner_id, kind, since)
select id, relationship, (created_at at time zone 'UTC')::date from partners;

-- SRM priority (Strategic Relationship Management, 1 the highest, 4 the lowest) is set by the head of
-- service alone, with a justification, and every setting is kept: who set it, when, from what, to
-- what, and why. The newest row (highest seq) is the partner's priority; a partner without a row has
-- none yet. The justification is free text and stays here: the audit trail names the row
-- (`partner.srm_priority_set`), never its text.
create table srm_priority_history (
  id             uuid primary key,
  seq            bigserial not null unique,
  partner_id     uuid not null references partners(id),
  priority       integer not null check (priority between 1 and 4),
  previous       integer check (previous between 1 and 4),
  justification  text not null,
  -- Null: set by the system (this migration), not by a person.
  set_by         text references people(id),
  set_at         timestamptz not null default now()
);
create index srm_priority_history_partner_idx on srm_priority_history (partner_id, seq);
comment on table srm_priority_history is
  'Every setting of a partner''s SRM priority (1 highest to 4 lowest), append-only: the newest row (highest seq) is current. set_by null: the system.';

-- Partners were given a priority from 1 to 5 when registered, by whoever registered them. Each keeps it
-- as its first setting, by the system; 5 no longer exists and becomes 4, the lowest.
insert into srm_priority_history (id, partner_id, priority, previous, justification, set_by, set_at)
select gen_random_uuid(), id, least(srm_priority, 4), null,
       case when srm_priority > 4
            then 'Carried over from the priority given at registration (5, the lowest then, is 4 now), before the head of service set priorities.'
            else 'Carried over from the priority given at registration, before the head of service set priorities.' end,
       null, now()
from partners order by created_at, id;

alter table partners drop column relationship, drop column srm_priority;
