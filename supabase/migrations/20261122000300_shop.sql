-- The WhatsApp sales channel: stores, their channel settings, the messaging
-- log, consent, carts, catalogue, orders, deliveries, payments and the money ledger.
-- Owners (store_settings.user_id) see their store's rows; the edge functions write
-- with the service role.

create table public.store_settings (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  store_name text not null check (length(trim(store_name)) > 0),
  store_slug text not null unique check (store_slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  currency text not null default 'UGX' check (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index store_settings_user_idx on public.store_settings (user_id);

create function public.owns_store(store uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.store_settings s where s.id = store and s.user_id = auth.uid()
  );
$$;

revoke all on function public.owns_store(uuid) from public;
grant execute on function public.owns_store(uuid) to anon, authenticated, service_role;

create table public.business_channel_settings (
  id uuid primary key default gen_random_uuid(),
  store_id uuid not null references public.store_settings (id) on delete cascade,
  channel_type text not null default 'whatsapp' check (channel_type in ('whatsapp')),
  channel_identifier text,
  wa_phone_number_id text,
  webhook_verify_token text,
  settings jsonb not null default '{}'::jsonb,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (store_id, channel_type)
);
-- Unique among active channels: an inbound message must route to exactly one store.
create unique index business_channel_settings_wa_phone_number_id_key
  on public.business_channel_settings (wa_phone_number_id)
  where is_active and wa_phone_number_id is not null;
create index business_channel_settings_verify_token_idx
  on public.business_channel_settings (webhook_verify_token) where is_active;

create table public.messaging_log (
  id uuid primary key default gen_random_uuid(),
  store_id uuid not null references public.store_settings (id) on delete cascade,
  -- Null when Cloud API omits `from` (users known only by username).
  customer_phone text check (customer_phone ~ '^[0-9]{8,15}$'),
  message_type text not null
    check (message_type in ('inbound', 'outbound_text', 'outbound_template', 'outbound_interactive')),
  message_payload jsonb not null,
  status text not null
    check (status in ('sent', 'delivered', 'read', 'failed', 'received', 'processed')),
  -- The wamid. Unique so a redelivered webhook cannot log a message twice; null for a
  -- send that failed before Meta assigned one.
  whatsapp_message_id text unique,
  template_name text,
  template_language text,
  error_message text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- The inbox and the per-customer rate limit both read by store + phone + time.
create index messaging_log_store_phone_created_idx
  on public.messaging_log (store_id, customer_phone, created_at);
create index messaging_log_store_created_idx on public.messaging_log (store_id, created_at desc);
-- Inbound messages whose processing never started (the instance died after the 200).
create index messaging_log_stranded_idx on public.messaging_log (created_at)
  where status = 'received' and message_type = 'inbound';

create table public.customer_channel_opt_in (
  id uuid primary key default gen_random_uuid(),
  store_id uuid not null references public.store_settings (id) on delete cascade,
  channel_type text not null default 'whatsapp' check (channel_type in ('whatsapp')),
  customer_phone text not null check (customer_phone ~ '^[0-9]{8,15}$'),
  is_opted_in boolean not null default true,
  consent_source text,
  consent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (store_id, channel_type, customer_phone)
);

create table public.products (
  id uuid primary key default gen_random_uuid(),
  store_id uuid not null references public.store_settings (id) on delete cascade,
  sku text not null check (sku ~ '^\S+$'),
  name text not null,
  description text,
  price numeric(12, 2) not null check (price >= 0),
  -- Null means the store does not track stock for this product.
  stock_quantity integer check (stock_quantity >= 0),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Customers type SKUs in any case.
create unique index products_store_sku_key on public.products (store_id, upper(sku));

create table public.cart_sessions (
  id uuid primary key default gen_random_uuid(),
  store_id uuid not null references public.store_settings (id) on delete cascade,
  -- 'wa:<phone>' for WhatsApp carts.
  session_id text not null,
  customer_phone text check (customer_phone ~ '^[0-9]{8,15}$'),
  -- Lines: [{ product_id, sku, name, quantity, unit_price }].
  items jsonb not null default '[]'::jsonb check (jsonb_typeof(items) = 'array'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (store_id, session_id)
);

create table public.orders (
  id uuid primary key default gen_random_uuid(),
  -- Short number a customer can type: TRACK 1042.
  order_number bigint generated always as identity unique,
  store_id uuid not null references public.store_settings (id) on delete cascade,
  status text not null default 'pending'
    check (status in ('pending', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded')),
  customer_phone text check (customer_phone ~ '^[0-9]{8,15}$'),
  customer_name text,
  session_id text,
  source text not null default 'whatsapp' check (source in ('whatsapp', 'web', 'manual')),
  items jsonb not null check (jsonb_typeof(items) = 'array' and jsonb_array_length(items) > 0),
  subtotal_amount numeric(12, 2) not null check (subtotal_amount >= 0),
  total_amount numeric(12, 2) not null check (total_amount >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  delivery_status text check (delivery_status in ('pending', 'dispatched', 'in_transit', 'delivered', 'failed')),
  delivery_eta timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index orders_store_phone_created_idx on public.orders (store_id, customer_phone, created_at desc);

create table public.deliveries (
  id uuid primary key default gen_random_uuid(),
  store_id uuid not null references public.store_settings (id) on delete cascade,
  order_id uuid not null references public.orders (id) on delete cascade,
  status text not null default 'pending'
    check (status in ('pending', 'dispatched', 'in_transit', 'delivered', 'failed')),
  carrier text,
  tracking_number text,
  tracking_url text,
  eta timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index deliveries_order_idx on public.deliveries (order_id, created_at desc);

create table public.payment_transactions (
  id uuid primary key default gen_random_uuid(),
  store_id uuid not null references public.store_settings (id) on delete cascade,
  order_id uuid not null references public.orders (id) on delete cascade,
  provider text not null default 'flutterwave' check (provider in ('flutterwave')),
  -- Our reference sent to the provider; the provider's charge id once known.
  reference text not null unique,
  flw_charge_id text unique,
  amount numeric(12, 2) not null check (amount > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  customer_phone text check (customer_phone ~ '^[0-9]{8,15}$'),
  customer_email text,
  network text,
  metadata jsonb not null default '{}'::jsonb,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index payment_transactions_order_idx on public.payment_transactions (order_id);

create table public.store_ledger_entries (
  id bigint generated always as identity primary key,
  store_id uuid not null references public.store_settings (id) on delete cascade,
  order_id uuid references public.orders (id) on delete set null,
  payment_transaction_id uuid references public.payment_transactions (id) on delete restrict,
  entry_type text not null check (entry_type in ('payment', 'fee', 'refund', 'payout', 'adjustment')),
  -- Signed: credits positive, debits negative.
  amount numeric(12, 2) not null check (amount <> 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  description text,
  created_at timestamptz not null default now(),
  -- A payment webhook delivered twice must not credit the store twice.
  unique (payment_transaction_id, entry_type)
);
create index store_ledger_entries_store_idx on public.store_ledger_entries (store_id, created_at);

create trigger store_ledger_entries_append_only
  before update or delete on public.store_ledger_entries
  for each row execute function public.reject_change();

create table public.store_balances (
  store_id uuid not null references public.store_settings (id) on delete cascade,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  available_balance numeric(14, 2) not null default 0,
  pending_balance numeric(14, 2) not null default 0,
  updated_at timestamptz not null default now(),
  primary key (store_id, currency)
);

do $$
declare
  t text;
begin
  foreach t in array array['store_settings', 'business_channel_settings', 'messaging_log',
    'customer_channel_opt_in', 'products', 'cart_sessions', 'orders', 'deliveries',
    'payment_transactions', 'store_balances']
  loop
    execute format('create trigger %I before update on public.%I
      for each row execute function public.touch_updated_at()', t || '_touch', t);
  end loop;

  -- Owners manage their store's configuration, consent records and catalogue.
  foreach t in array array['business_channel_settings', 'customer_channel_opt_in', 'products']
  loop
    execute format('alter table public.%I enable row level security', t);
    execute format('create policy "owners manage their store''s rows" on public.%I
      for all to authenticated using (public.owns_store(store_id)) with check (public.owns_store(store_id))', t);
  end loop;

  -- Everything that records what happened is read-only to owners: only the functions write it.
  foreach t in array array['messaging_log', 'cart_sessions', 'orders', 'deliveries',
    'payment_transactions', 'store_ledger_entries', 'store_balances']
  loop
    execute format('alter table public.%I enable row level security', t);
    execute format('create policy "owners read their store''s rows" on public.%I
      for select to authenticated using (public.owns_store(store_id))', t);
  end loop;
end;
$$;

alter table public.store_settings enable row level security;
create policy "owners read their stores" on public.store_settings
  for select to authenticated using (user_id = auth.uid());
create policy "owners update their stores" on public.store_settings
  for update to authenticated using (user_id = auth.uid()) with check (user_id = auth.uid());
