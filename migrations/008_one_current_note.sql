-- One current note per partner (DOMAIN.md): a partner has at most one note in progress or ACTIVE; a
-- new assessment of it is that note's re-assessment. The index holds it for the notes that begin a
-- line of assessments (supersedes is null). A note is current from its insert until it ends, so two
-- such notes can meet only at an insert, where the index refuses the second; and the API refuses a
-- new note while any note of the partner is current, a re-assessment included. Re-assessments stay
-- outside the index: one runs beside the ACTIVE note it re-assesses, and on its adoption the two are
-- ACTIVE together until the old note's supersession is recorded, which is a transaction of its own.
-- A note whose execution has yet to start counts (it may be starting this moment); the API drops one
-- known never to have started.
--
-- Notes that broke the rule before it existed stay as they are: only its workflow ends a note. All but
-- the newest of each partner's are marked and left out of the index; while any is current, the API
-- refuses a new note for that partner all the same.
alter table notes add column predates_one_current_rule boolean not null default false;

update notes n set predates_one_current_rule = true
where n.supersedes is null and n.status in ('DRAFT', 'IN_REVIEW', 'ACTIVE')
  and exists (select 1 from notes m
              where m.partner_id = n.partner_id and m.supersedes is null and m.status in ('DRAFT', 'IN_REVIEW', 'ACTIVE')
                and (m.created_at, m.id) > (n.created_at, n.id));

create unique index notes_one_current_per_partner on notes (partner_id)
  where supersedes is null and status in ('DRAFT', 'IN_REVIEW', 'ACTIVE') and not predates_one_current_rule;
