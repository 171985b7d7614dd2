-- Need to know: a note opens to the reviewers of every stage it has reached, on any revision.
-- Kept by the read model beside the stage itself; filled for existing notes from the audit trail,
-- whose entries record the stage each transition left the note at.
alter table notes add column reached_stages text[] not null default '{}';

update notes n set reached_stages = coalesce((
  select array_agg(distinct stage order by stage)
  from (
    select a.details->>'stage' as stage from audit_log a where a.note_id = n.id
    union select n.stage
  ) seen
  where stage in ('TEAM_REVIEW', 'LEGAL_REVIEW', 'HEAD_OF_SERVICE', 'MINISTER')
), '{}');

create index notes_reached_stages_idx on notes using gin (reached_stages);
