-- One tenancy model: a store belongs to an organisation, and the role of each member
-- decides what they may read and do. Before this, stores had a single owning user
-- (store_settings.user_id) unrelated to organisations.
--
-- Roles: owner and admin manage the organisation and its stores; member edits the
-- workshop data (what the desktop console syncs); viewer only reads.

alter table public.organization_members drop constraint organization_members_role_check;
alter table public.organization_members
  add constraint organization_members_role_check check (role in ('owner', 'admin', 'member', 'viewer'));

create function public.organization_role(org uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select m.role from public.organization_members m where m.organization_id = org and m.user_id = auth.uid();
$$;

-- May change the organisation's workshop data (sessions, groups, members, queue, workshops, leads).
create function public.can_edit_org(org uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(public.organization_role(org) in ('owner', 'admin', 'member'), false);
$$;

-- May manage the organisation's stores and keys.
create function public.manages_org(org uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(public.organization_role(org) in ('owner', 'admin'), false);
$$;

revoke all on function public.organization_role(uuid), public.can_edit_org(uuid), public.manages_org(uuid) from public;
grant execute on function public.organization_role(uuid), public.can_edit_org(uuid), public.manages_org(uuid) to anon, authenticated, service_role;

alter table public.store_settings add column organization_id uuid references public.organizations (id) on delete cascade;
create index store_settings_organization_idx on public.store_settings (organization_id);

-- A store created without an organisation (as every store was before) gets one of its
-- own, with the store's user as its owner.
create function public.give_store_an_organization()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  org uuid;
begin
  if new.organization_id is null then
    insert into public.organizations (name) values (new.store_name) returning id into org;
    insert into public.organization_members (organization_id, user_id, role) values (org, new.user_id, 'owner');
    new.organization_id := org;
  end if;
  return new;
end;
$$;

do $$
declare
  s record;
  org uuid;
begin
  for s in select id, user_id, store_name from public.store_settings where organization_id is null loop
    insert into public.organizations (name) values (s.store_name) returning id into org;
    insert into public.organization_members (organization_id, user_id, role) values (org, s.user_id, 'owner');
    update public.store_settings set organization_id = org where id = s.id;
  end loop;
end;
$$;

create trigger store_settings_organization before insert on public.store_settings
  for each row execute function public.give_store_an_organization();
alter table public.store_settings alter column organization_id set not null;

-- Store rows are read by every member of the store's organisation and managed by its
-- owners and admins: the same two functions every store policy already calls.
create function public.is_store_member(store uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.store_settings s where s.id = store and public.is_org_member(s.organization_id)
  );
$$;

create or replace function public.owns_store(store uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.store_settings s where s.id = store and public.manages_org(s.organization_id)
  );
$$;

revoke all on function public.is_store_member(uuid) from public;
grant execute on function public.is_store_member(uuid) to anon, authenticated, service_role;

drop policy "owners read their stores" on public.store_settings;
drop policy "owners update their stores" on public.store_settings;
create policy "members read their organization's stores" on public.store_settings
  for select to authenticated using (public.is_org_member(organization_id));
-- Owners and admins rename their stores; moving a store to another organisation needs
-- management rights there too.
create policy "managers update their organization's stores" on public.store_settings
  for update to authenticated using (public.manages_org(organization_id)) with check (public.manages_org(organization_id));

do $$
declare
  t text;
begin
  for t in
    select c.table_name from information_schema.columns c
    join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name and tb.table_type = 'BASE TABLE'
    where c.table_schema = 'public' and c.column_name = 'store_id'
  loop
    execute format('create policy "members read their organization''s store rows" on public.%I
      for select to authenticated using (public.is_store_member(store_id))', t);
  end loop;
end;
$$;
