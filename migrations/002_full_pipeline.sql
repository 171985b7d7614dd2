-- The read model of the whole pipeline: deadlines, routing facts and the re-assessment links.
alter table notes
  add column overall_risk    text,
  add column stage_due_at    timestamptz,
  add column reminders_sent  integer not null default 0,
  add column escalated       boolean not null default false,
  add column adopted_at      timestamptz,
  add column review_due_at   timestamptz,
  add column supersedes      uuid references notes(id),
  add column superseded_by   uuid references notes(id),
  add column reassessment    uuid references notes(id);
create index notes_stage_due_idx on notes (stage, stage_due_at) where status = 'IN_REVIEW';

-- Free text that travels beside a request (decision comments, withdraw and re-assess reasons):
-- kept here before the workflow accepts the request, never in workflow payloads.
alter table decision_comments rename to comments;
alter table comments rename column decision_id to id;
