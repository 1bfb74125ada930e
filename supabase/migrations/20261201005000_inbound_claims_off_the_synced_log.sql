-- Claiming an inbound message for processing no longer writes messaging_log, and
-- counting a customer's messages no longer writes their cart.
--
-- messaging_log is a synced table: every write to it takes its organisation's sync lock
-- (the counter row, held until commit) so versions follow commit order. The claim used to
-- be an update of the inbound row at the start of the command's transaction, so every
-- state-changing command held the organisation's lock across all its round trips, and
-- every other write to the log (the acknowledgement path's inserts included) queued
-- behind it: under load 85 % of the webhook's database time was spent waiting there.
--
-- Now a message is claimed by inserting its id here (a table nobody syncs), in the same
-- transaction or statement as the command's changes; the inbound row is marked
-- `processed` afterwards, together with the reply row, by one batched statement. A claim
-- without `processed` means an instance stopped between the two; the stranded sweep
-- finds it and says so on the row instead of running the command again.
create table public.inbound_claims (
  log_id uuid primary key references public.messaging_log (id) on delete cascade,
  -- For row security only. No foreign key: checking one would lock the store's row from
  -- every concurrent claim (the log row's key already ties the claim to its store).
  store_id uuid not null,
  claimed_at timestamptz not null default now()
);

alter table public.inbound_claims enable row level security;
create policy "members read their organization's store rows" on public.inbound_claims
  for select to authenticated using (store_id in (select public.member_store_ids()));

-- The per-minute rate counter, moved off cart_sessions for the same reason: the cart is
-- synced, and raising its counter on every message took the organisation's sync lock for
-- every message. The cart still carries the limit to desktops: its rate_window_started_at
-- and rate_count are written when a customer crosses the limit (once a minute at most).
create table public.customer_rate_windows (
  store_id uuid not null references public.store_settings (id) on delete cascade,
  customer_phone text not null,
  window_started_at timestamptz not null,
  handled integer not null check (handled > 0),
  primary key (store_id, customer_phone)
);
insert into public.customer_rate_windows (store_id, customer_phone, window_started_at, handled)
select store_id, customer_phone, rate_window_started_at, rate_count from public.cart_sessions
where customer_phone is not null and rate_window_started_at is not null and rate_count > 0
on conflict do nothing;

alter table public.customer_rate_windows enable row level security;
create policy "members read their organization's store rows" on public.customer_rate_windows
  for select to authenticated using (store_id in (select public.member_store_ids()));
