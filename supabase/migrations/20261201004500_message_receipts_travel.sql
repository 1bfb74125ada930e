-- Per-member receipts of a group message, as the sending desktop records them, so the CRM
-- can say "Delivered to 212 · Read by 87 of 529" like the console does. `member` is the
-- member's WhatsApp id (LID or phone JID); `recipients` on the message is the group's size
-- without the sending account when it was sent. Columns as in the console's SQLite
-- (shared/sync/sync-tables.ts); the times only ever move earlier or from empty to set, so a
-- late or replayed receipt never takes one back.

alter table public.scheduled_whatsapp_messages add column recipients integer check (recipients >= 0);

create table public.message_receipts (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  message_row_id text not null,
  member text not null check (member <> ''),
  delivered_at timestamptz,
  read_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, message_row_id, member),
  foreign key (organization_id, message_row_id) references public.scheduled_whatsapp_messages (organization_id, id) on delete cascade
);

create trigger message_receipts_touch before update on public.message_receipts
  for each row execute function public.touch_updated_at();

alter table public.message_receipts add column sync_version bigint not null default 0;
create index message_receipts_sync_idx on public.message_receipts (organization_id, sync_version);
create trigger zz_sync_version before insert or update on public.message_receipts
  for each row execute function public.stamp_sync_version('organization');
create trigger zz_sync_tombstone after delete on public.message_receipts
  for each row execute function public.record_sync_tombstone('organization', 'message_row_id', 'member');

alter table public.message_receipts enable row level security;
create policy "members read their organization's rows" on public.message_receipts
  for select to authenticated using (organization_id in (select public.member_organization_ids()));
create policy "editors add their organization's rows" on public.message_receipts
  for insert to authenticated with check (organization_id in (select public.editable_organization_ids()));
create policy "editors change their organization's rows" on public.message_receipts
  for update to authenticated using (organization_id in (select public.editable_organization_ids()))
  with check (organization_id in (select public.editable_organization_ids()));
create policy "editors delete their organization's rows" on public.message_receipts
  for delete to authenticated using (organization_id in (select public.editable_organization_ids()));
