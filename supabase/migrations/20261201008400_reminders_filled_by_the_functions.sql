-- Reminders to leads are filled by the queue processor now, with the one rule the
-- console's campaigns use for a workshop's time ("6:30 PM EAT"); the SQL runner worded
-- it its own way ("Mon 07 Dec, 18:30"), so it goes.
drop function public.execute_due_whatsapp_event_tasks(integer);
