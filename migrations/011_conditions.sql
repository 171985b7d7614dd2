-- Conditions of an adopted note (issue 12): each mitigation or condition the adopted revision states
-- (a criterion's mitigations, the note's "mitigations and conditions") is work with an owner, a due
-- date and, once closed, the evidence that it was met. Kept by the activities of the note's conditions
-- workflow (`conditions-<noteId>`, the one writer of its rows); read by the note's page, the owner's
-- inbox, the partner portfolio and the oversight dossier. Notes adopted before this have none.
create table conditions (
  id              uuid primary key,
  note_id         uuid not null references notes(id),
  -- Its number within the note, as mail and pages name it: `WN-1A2B3C4D condition 2`.
  position        integer not null check (position > 0),
  -- Where the revision states it: `criteria.<criterion>.mitigations` or `mitigations`.
  source          text not null,
  -- The revision whose text it holds (for a carried-over condition, the earlier note's).
  revision        integer not null,
  -- The mitigation as the note states it: content, as classified as the note.
  text            text not null,
  owner_id        text not null references people(id),
  due_at          timestamptz not null,
  status          text not null default 'open' check (status in ('open', 'fulfilled', 'not_applicable', 'carried_over')),
  -- Who closed it (its owner: fulfilled; the head of service: not applicable); null when carried over.
  closed_by       text references people(id),
  closed_at       timestamptz,
  -- Fulfilled: the closure evidence; not applicable: the reason. Required for both.
  evidence        text,
  -- The condition of the earlier note this one continues, and the one of the re-assessment it went to.
  carried_from    uuid references conditions(id),
  carried_to      uuid references conditions(id),
  -- How far its nudges went once overdue (reminders to the owner, escalation to ESCALATION_ROLE).
  reminders_sent  integer not null default 0,
  escalated       boolean not null default false,
  last_nudge_at   timestamptz,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  unique (note_id, position),
  check ((status = 'open') = (closed_at is null)),
  check (status not in ('fulfilled', 'not_applicable') or (closed_by is not null and evidence is not null)),
  check ((status = 'carried_over') = (carried_to is not null))
);
create index conditions_owner_open_idx on conditions (owner_id, due_at) where status = 'open';
create index conditions_open_due_idx on conditions (due_at) where status = 'open';
comment on table conditions is
  'Conditions of adopted notes: one row per mitigation of the adopted revision (position within the note), with its owner, due date, status and closure evidence. Changes are on the audit trail as condition.* entries of the note.';

-- A condition's mail is a row of its note's outbox, naming the condition (its number in the mail).
alter table outbox add column condition_id uuid references conditions(id);
