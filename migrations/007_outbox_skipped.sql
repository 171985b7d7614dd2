-- A review mail whose recipient has decided by the time it would go out is not sent, and says so.
alter table outbox drop constraint outbox_status_check;
alter table outbox add constraint outbox_status_check check (status in ('pending', 'sent', 'failed', 'skipped'));
