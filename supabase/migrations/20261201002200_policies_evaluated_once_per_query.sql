-- The same rules, cheaper: a policy that calls a function with the row's organisation runs
-- that function (and its query) for every row read, which made reading 10,000 rows as a
-- member cost seconds. These policies ask once per query for the caller's organisations or
-- stores (an InitPlan) and compare each row against that set.

create function public.member_organization_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.organization_id from public.organization_members m where m.user_id = auth.uid();
$$;

create function public.editable_organization_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.organization_id from public.organization_members m
  where m.user_id = auth.uid() and m.role in ('owner', 'admin', 'member');
$$;

create function public.member_store_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select s.id from public.store_settings s
  join public.organization_members m on m.organization_id = s.organization_id
  where m.user_id = auth.uid();
$$;

revoke all on function public.member_organization_ids(), public.editable_organization_ids(), public.member_store_ids() from public;
grant execute on function public.member_organization_ids(), public.editable_organization_ids(), public.member_store_ids() to anon, authenticated, service_role;

do $$
declare
  t text;
begin
  foreach t in array array['whatsapp_sessions', 'whatsapp_groups', 'workshops', 'leads', 'lead_assignments', 'workshop_group_members',
    'membership_events', 'message_templates', 'workshop_automation_config', 'scheduled_whatsapp_messages']
  loop
    execute format('drop policy "members read their organization''s rows" on public.%I', t);
    execute format('create policy "members read their organization''s rows" on public.%I
      for select to authenticated using (organization_id in (select public.member_organization_ids()))', t);
    execute format('drop policy "editors add their organization''s rows" on public.%I', t);
    execute format('create policy "editors add their organization''s rows" on public.%I
      for insert to authenticated with check (organization_id in (select public.editable_organization_ids()))', t);
    continue when t = 'membership_events';
    execute format('drop policy "editors change their organization''s rows" on public.%I', t);
    execute format('create policy "editors change their organization''s rows" on public.%I
      for update to authenticated using (organization_id in (select public.editable_organization_ids()))
      with check (organization_id in (select public.editable_organization_ids()))', t);
  end loop;

  for t in
    select p.tablename from pg_policies p
    where p.schemaname = 'public' and p.policyname = 'members read their organization''s store rows'
  loop
    execute format('drop policy "members read their organization''s store rows" on public.%I', t);
    execute format('create policy "members read their organization''s store rows" on public.%I
      for select to authenticated using (store_id in (select public.member_store_ids()))', t);
    -- Owners are members: their read-only policy adds nothing but a per-row function call.
    execute format('drop policy if exists "owners read their store''s rows" on public.%I', t);
  end loop;
end;
$$;
