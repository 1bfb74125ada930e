-- Realtime lets the console and the inbox update without polling. Guarded because the
-- publication belongs to the Supabase platform, not to these migrations.
do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    alter publication supabase_realtime add table
      public.workshop_group_members,
      public.workshop_group_member_events,
      public.whatsapp_sessions,
      public.scheduled_whatsapp_messages,
      public.messaging_log,
      public.orders;
  end if;
end;
$$;

-- Abandoned WhatsApp carts are cleared nightly. pg_cron exists on the platform but not in
-- a plain test cluster, and it can only be created when preloaded, so both are checked.
do $$
begin
  if not exists (select 1 from pg_extension where extname = 'pg_cron')
     and exists (select 1 from pg_available_extensions where name = 'pg_cron')
     and current_setting('shared_preload_libraries') like '%pg_cron%' then
    create extension pg_cron;
  end if;
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule(
      'expire-whatsapp-carts',
      '17 3 * * *',
      $job$ delete from public.cart_sessions
            where session_id like 'wa:%' and updated_at < now() - interval '30 days' $job$
    );
  end if;
end;
$$;
