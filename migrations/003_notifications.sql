-- Outgoing mail, queued in the transaction of the transition that causes it and sent by an activity.
-- `key` (note, version, kind, recipient) makes queueing idempotent; `status` makes sending so.
create table outbox (
  id           uuid primary key,
  key          text not null unique,
  note_id      uuid not null references notes(id),
  recipient_id text not null references people(id),
  address      text not null,
  kind         text not null,
  subject      text not null,
  body_text    text not null,
  body_html    text not null,
  status       text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts     integer not null default 0,
  last_error   text,
  created_at   timestamptz not null default now(),
  sent_at      timestamptz
);
create index outbox_pending_idx on outbox (note_id, created_at) where status = 'pending';
