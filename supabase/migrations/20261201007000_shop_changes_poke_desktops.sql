-- The desktop pulls when Realtime tells it a synced table changed (its poll is the fallback).
-- messaging_log and orders were published with the shop; a payment settling, a delivery
-- dispatched and a customer's STOP changed only tables Realtime did not carry, so the Inbox
-- and Orders pages learnt of them at the next poll. Realtime sends each change only to
-- subscribers whose row level security lets them read the row. cart_sessions stays out: its
-- counter moves with every inbound message, which already pokes through messaging_log.
do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    alter publication supabase_realtime add table public.payment_transactions, public.deliveries, public.customer_channel_opt_in;
  end if;
end;
$$;
