-- People: a token's `sub` must name an active row here; roles are authoritative here, not in the token.
create table people (
  id          text primary key,
  name        text not null,
  email       text not null unique,
  roles       text[] not null default '{}',
  active      boolean not null default true,
  created_at  timestamptz not null default now()
);

create table partners (
  id            uuid primary key,
  name          text not null,
  country       text not null,
  kind          text not null,
  relationship  text not null,
  srm_priority  integer not null,
  created_by    text not null references people(id),
  created_at    timestamptz not null default now(),
  unique (name, country)
);

-- The read model of a note, kept by the workflow's activities; `version` orders projections.
create table notes (
  id                uuid primary key,
  partner_id        uuid not null references partners(id),
  drafter_id        text not null references people(id),
  status            text not null,
  stage             text,
  current_revision  integer not null,
  version           integer not null default 0,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create index notes_partner_idx on notes (partner_id);
create index notes_status_idx on notes (status, stage);

-- Every revision whole, with the hash that decisions refer to.
create table note_revisions (
  note_id         uuid not null references notes(id),
  revision        integer not null,
  content         jsonb not null,
  content_sha256  text not null,
  author_id       text not null references people(id),
  created_at      timestamptz not null default now(),
  primary key (note_id, revision)
);

-- Comments arrive before their decision is accepted; a decision row points to its comment.
create table decision_comments (
  decision_id  uuid primary key,
  body         text not null,
  created_at   timestamptz not null default now()
);

create table decisions (
  id              uuid primary key,
  note_id         uuid not null references notes(id),
  stage           text not null,
  revision        integer not null,
  actor_id        text not null references people(id),
  outcome         text not null,
  content_sha256  text not null,
  decided_at      timestamptz not null,
  unique (note_id, stage, revision, actor_id)
);

-- Append-only and hash-chained: each row's hash covers the previous row's hash.
create table audit_log (
  seq         bigserial primary key,
  event_key   text not null unique,
  at          timestamptz not null,
  actor_id    text,
  action      text not null,
  note_id     uuid,
  details     jsonb not null default '{}',
  prev_hash   text not null,
  hash        text not null
);
create index audit_log_note_idx on audit_log (note_id, seq);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op;
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_is_append_only();
