-- The console fills {day} now ("today", "tomorrow" or the date, as seen when the message
-- goes out); a template using it must be accepted here too.
do $$
declare
  c text;
begin
  for c in
    select conname from pg_constraint
    where conrelid = 'public.message_templates'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%workshop_name%'
  loop
    execute format('alter table public.message_templates drop constraint %I', c);
  end loop;
end;
$$;

alter table public.message_templates add constraint message_templates_known_variables
  check (body !~ '\{\s*(?!(workshop_name|date|day|start_time|join_link|group_link|minutes_to_start|time_to_start|duration)\s*\})[a-zA-Z_]+\s*\}');
