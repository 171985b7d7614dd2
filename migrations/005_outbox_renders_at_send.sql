-- A usable review link is as good as a password: it never sits in the database. The outbox keeps
-- what the link and the message are made from, and the sending activity renders both at send time.
alter table outbox
  add column stage     text,
  add column revision  integer,
  add column due_at    timestamptz,
  -- The review link's id (its `jti`, which becomes the decision's id); null for mail without a link.
  add column link_id   uuid unique;

-- Mail not yet sent is rendered again from the note as it stands; what was sent keeps no body. A
-- review link goes only to a recipient who decides at the note's stage now; others get the mail
-- without one.
update outbox o set stage = n.stage, revision = n.current_revision, due_at = n.stage_due_at,
                    link_id = case when o.kind in ('review_requested', 'reminder') and exists (
                      select 1 from people p
                      where p.id = o.recipient_id and p.active
                        and (case n.stage when 'TEAM_REVIEW' then 'team_lead' when 'LEGAL_REVIEW' then 'legal'
                                          when 'HEAD_OF_SERVICE' then 'head_of_service' when 'MINISTER' then 'minister' end) = any(p.roles)
                    ) then gen_random_uuid() end
from notes n where n.id = o.note_id and o.status = 'pending';

alter table outbox drop column subject, drop column body_text, drop column body_html;
