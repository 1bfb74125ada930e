-- Payments: Flutterwave mobile money from CHECKOUT to a confirmed order, once.
--
-- * orders.payment_token_hash: the payment link carries a random per-order token; only
--   its SHA-256 is stored, so neither a guessed order id nor a database reader can pay
--   for (or start charges on) someone else's order.
-- * store_payment_settings: which Flutterwave API (v4 by default, v3) and which country
--   a store charges in. Credentials are the platform's, in function secrets.
-- * payment_transactions gains the provider ids, the attempt number, why it failed or
--   why it needs review, and a guarantee of one open charge per order.
-- * messaging_log gains 'queued': a payment notice is written in the settling
--   transaction and sent after the commit (claimed queued → sent exactly once).

alter table public.orders add column payment_token_hash bytea;

create table public.store_payment_settings (
  store_id uuid primary key references public.store_settings (id) on delete cascade,
  provider text not null default 'flutterwave' check (provider in ('flutterwave')),
  -- v4: OAuth token → customer → payment method → charge. v3: one POST /v3/charges.
  api_version text not null default 'v4' check (api_version in ('v3', 'v4')),
  -- ISO 3166-1 alpha-2 of the mobile-money market the store sells in.
  country_code text not null check (country_code ~ '^[A-Z]{2}$'),
  -- Network offered when the customer names none (e.g. MTN, AIRTEL).
  default_network text check (default_network ~ '^[A-Z0-9_]+$'),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger store_payment_settings_touch before update on public.store_payment_settings
  for each row execute function public.touch_updated_at();

alter table public.store_payment_settings enable row level security;
create policy "owners manage their store's rows" on public.store_payment_settings
  for all to authenticated using (public.owns_store(store_id)) with check (public.owns_store(store_id));

-- Flagged for review: Flutterwave reported success but amount, currency or reference
-- did not match. Nothing is credited; a person decides.
alter table public.payment_transactions drop constraint payment_transactions_status_check;
alter table public.payment_transactions add constraint payment_transactions_status_check
  check (status in ('pending', 'succeeded', 'failed', 'needs_review'));

alter table public.payment_transactions
  add column api_version text not null default 'v4' check (api_version in ('v3', 'v4')),
  add column attempt integer not null default 1 check (attempt >= 1),
  add column country_code text check (country_code ~ '^[A-Z]{2}$'),
  add column flw_customer_id text,
  add column flw_payment_method_id text,
  add column flw_ref text,
  -- What the customer must do next: approve on the phone, or open a redirect URL.
  add column next_action jsonb,
  add column failure_reason text,
  add column review_reason text,
  add column last_checked_at timestamptz,
  add constraint payment_transactions_order_attempt_key unique (order_id, attempt);

-- One open charge per order: a second initiation while one is pending (or under review)
-- cannot insert, whatever the timing of the two requests.
create unique index payment_transactions_one_open_per_order
  on public.payment_transactions (order_id) where status in ('pending', 'needs_review');
-- Reconciliation scans old pending charges.
create index payment_transactions_pending_idx
  on public.payment_transactions (created_at) where status = 'pending';

alter table public.messaging_log drop constraint messaging_log_status_check;
alter table public.messaging_log add constraint messaging_log_status_check
  check (status in ('queued', 'sent', 'delivered', 'read', 'failed', 'received', 'processed'));
-- One notice per payment outcome, whatever retries or replays happen.
create unique index messaging_log_payment_notice_key
  on public.messaging_log ((message_payload ->> 'payment_notice'))
  where message_payload ? 'payment_notice';
create index messaging_log_queued_idx on public.messaging_log (created_at) where status = 'queued';

-- Reconciliation every 5 minutes through pg_net, reading the function URL and its
-- secret from Vault (`reconcile_payments_url`, `reconcile_payments_secret`). Guarded like
-- the cart expiry: scheduled only where pg_cron exists; the command does nothing until
-- pg_net and both Vault secrets exist.
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule(
      'reconcile-payments',
      '*/5 * * * *',
      $job$
      do $body$
      begin
        if to_regnamespace('net') is not null and to_regclass('vault.decrypted_secrets') is not null then
          execute $q$
            select net.http_post(
              url := u.decrypted_secret,
              headers := jsonb_build_object('content-type', 'application/json', 'x-reconcile-secret', s.decrypted_secret),
              body := '{}'::jsonb)
            from vault.decrypted_secrets u, vault.decrypted_secrets s
            where u.name = 'reconcile_payments_url' and s.name = 'reconcile_payments_secret'
          $q$;
        end if;
      end;
      $body$
      $job$
    );
  end if;
end;
$$;
