-- The third-party rule (DOMAIN.md, issue 12): information received from a partner service goes to a
-- third party only with the originating partner's consent. A consent request is its own approval (a
-- workflow `consent-<id>`): drafted, reviewed by legal, approved for sending by the head of service,
-- then answered by the partner (granted, granted with conditions, refused) or lapsed. These tables
-- are its read model, kept by the workflow's activities as `notes` is; the audit trail holds its story
-- (actions `consent.*`, with the request's id in `details.consentId`).

-- One row per request: where it stands now. `version` orders projections.
create table consent_requests (
  id                     uuid primary key,
  originator_id          uuid not null references partners(id),
  drafter_id             text not null references people(id),
  status                 text not null check (status in ('DRAFT', 'IN_REVIEW', 'REQUESTED', 'GRANTED', 'GRANTED_WITH_CONDITIONS',
                                                         'REFUSED', 'LAPSED', 'REJECTED', 'WITHDRAWN')),
  stage                  text check (stage in ('LEGAL_REVIEW', 'HEAD_OF_SERVICE')),
  -- Need to know: legal advisers read a request once it has reached legal review.
  reached_stages         text[] not null default '{}',
  current_revision       integer not null,
  version                integer not null default 0,
  stage_due_at           timestamptz,
  reminders_sent         integer not null default 0,
  escalated              boolean not null default false,
  requested_at           timestamptz,
  answer_due_at          timestamptz,
  lapses_at              timestamptz,
  answer_reminders_sent  integer not null default 0,
  -- The recorded answer (consent_answers), once there is one.
  answer_id              uuid,
  -- False while the API has yet to start its execution: the request exists for no one until then.
  started                boolean not null default false,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now()
);
create index consent_requests_originator_idx on consent_requests (originator_id);
create index consent_requests_status_idx on consent_requests (status, stage);
create index consent_requests_reached_stages_idx on consent_requests using gin (reached_stages);
comment on table consent_requests is
  'Consent requests under the third-party rule: to pass information received from the originating partner (originator_id) to a third party. Where each stands; content is in consent_revisions, decisions in consent_decisions, the answer in consent_answers.';

-- Every revision whole, with the hash decisions refer to. The recipient is a partner service or an
-- organisation (NATO, the EU), one of the two. The information is named by a reference (a report
-- number), never held. A saved draft is pending (not accepted) until the workflow takes it.
create table consent_revisions (
  consent_id              uuid not null references consent_requests(id),
  revision                integer not null,
  recipient_partner_id    uuid references partners(id),
  recipient_organisation  text check (recipient_organisation in ('nato', 'eu')),
  information_ref         text not null,
  cooperation_form        text not null,
  justification           text not null,
  content_sha256          text not null,
  author_id               text not null references people(id),
  accepted                boolean not null,
  created_at              timestamptz not null default now(),
  primary key (consent_id, revision, content_sha256),
  check ((recipient_partner_id is null) <> (recipient_organisation is null))
);
create unique index consent_revisions_accepted_idx on consent_revisions (consent_id, revision) where accepted;
create index consent_revisions_recipient_idx on consent_revisions (recipient_partner_id) where recipient_partner_id is not null;
comment on table consent_revisions is
  'Each revision of a consent request: the recipient (a partner, or nato/eu), the reference to the information, the form of cooperation it falls under, the justification, and its SHA-256. accepted: the workflow holds it.';

-- Decisions of legal review and of the head of service (whose approval sends the request). Comments
-- stay in `comments`, under the decision's id.
create table consent_decisions (
  id              uuid primary key,
  consent_id      uuid not null references consent_requests(id),
  stage           text not null check (stage in ('LEGAL_REVIEW', 'HEAD_OF_SERVICE')),
  revision        integer not null,
  actor_id        text not null references people(id),
  outcome         text not null check (outcome in ('approve', 'reject', 'request_changes')),
  content_sha256  text not null,
  decided_at      timestamptz not null,
  unique (consent_id, stage, revision, actor_id)
);
comment on table consent_decisions is 'Decisions on consent requests, each on one revision (its hash) at one stage.';

-- The partner's answer as its drafter or the head of service recorded it: the day it was given and,
-- for consent with conditions, their text. Written by the API before the workflow accepts it; the
-- request's answer_id names the one accepted (any other row is an attempt the workflow refused).
create table consent_answers (
  id           uuid primary key,
  consent_id   uuid not null references consent_requests(id),
  answer       text not null check (answer in ('granted', 'granted_with_conditions', 'refused')),
  given_on     date not null,
  conditions   text,
  recorded_by  text not null references people(id),
  recorded_at  timestamptz not null default now(),
  check ((answer = 'granted_with_conditions') = (conditions is not null))
);
alter table consent_requests add constraint consent_requests_answer_fk foreign key (answer_id) references consent_answers(id);
comment on table consent_answers is
  'The originating partner''s answer to a consent request: granted, granted with conditions (their text), or refused, and the day it was given. consent_requests.answer_id names the accepted one.';

-- Mail about a consent request goes through the same outbox as a note's: each row is about a note or
-- a request, one of the two. Existing rows are about notes.
alter table outbox alter column note_id drop not null;
alter table outbox add column consent_id uuid references consent_requests(id);
alter table outbox add constraint outbox_about_one check ((note_id is null) <> (consent_id is null));
create index outbox_consent_pending_idx on outbox (consent_id, created_at) where status = 'pending';

-- A request's story in the audit trail: its entries carry the request's id in their details.
create index audit_log_consent_idx on audit_log ((details->>'consentId'), seq) where details ? 'consentId';
