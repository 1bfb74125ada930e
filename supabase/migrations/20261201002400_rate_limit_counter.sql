-- The per-customer rate limit (30 handled messages a minute) counted on the customer's
-- cart row rather than by counting the log: the claim statement increments it with an
-- upsert, which takes the row's lock and reads its latest version, so messages of one
-- customer handled at the same moment by different workers still count one by one.
alter table public.cart_sessions
  add column rate_window_started_at timestamptz,
  add column rate_count integer not null default 0 check (rate_count >= 0);
