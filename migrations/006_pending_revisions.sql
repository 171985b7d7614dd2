-- Nothing the API writes waits on Temporal inside a transaction any more. A saved draft is a pending
-- revision until the workflow takes it (the projection of its state then marks it accepted); a new
-- note is unstarted until its execution is. Two saves of one base make two candidates, of which the
-- workflow takes one. Rows from before are accepted and started.
alter table note_revisions add column accepted boolean not null default true;
alter table note_revisions drop constraint note_revisions_pkey;
alter table note_revisions add primary key (note_id, revision, content_sha256);
create unique index note_revisions_accepted_idx on note_revisions (note_id, revision) where accepted;

alter table notes add column started boolean not null default true;
