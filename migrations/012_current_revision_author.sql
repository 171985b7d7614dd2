-- The author of a note's current revision, kept beside current_revision (issue 13): the inbox asks it
-- of every open note (no one decides on a revision they wrote), and read from note_revisions it made
-- counting an inbox of 10,000 open notes a join of both tables, some 20 ms. Set where current_revision
-- is: as a note is created, and by the projection of its workflow's state.
alter table notes add column current_author_id text references people(id);
update notes n set current_author_id = r.author_id
from note_revisions r where r.note_id = n.id and r.revision = n.current_revision and r.accepted;
