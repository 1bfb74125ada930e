-- Tenancy that holds for the two things a store owner could otherwise take:
--
-- * A channel's WhatsApp number. The store named by a number receives that number's
--   customers and answers them with the platform's Graph token, so which number a
--   channel names is decided by the platform operator (the service role, once the
--   number's business account is verified), never by an owner's own UPDATE or INSERT.
--   Owners keep the rest of their channel settings and may detach their number. A number
--   is held by at most one channel, active or not, so a channel switched off does not
--   keep a claim on a number that has since moved on.
-- * A customer's consent. Only the customer opts in, by messaging the store or sending
--   START (the functions write those). An owner may record an opt-out — it is marked as
--   theirs — but cannot opt anyone in, change who gave consent or when, or delete the
--   record.
--
-- Both rules bind the API roles (anon, authenticated); the service role and the
-- functions' own connection are the verified path.

create function public.guard_channel_number()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user not in ('anon', 'authenticated') then
    return new;
  end if;
  if (tg_op = 'INSERT' and new.wa_phone_number_id is not null)
     or (tg_op = 'UPDATE' and new.wa_phone_number_id is not null and new.wa_phone_number_id is distinct from old.wa_phone_number_id) then
    raise exception 'A WhatsApp number is attached to a store by the platform operator once its business account is verified; a store owner cannot set wa_phone_number_id'
      using errcode = '42501';
  end if;
  if tg_op = 'UPDATE' and new.store_id <> old.store_id and old.wa_phone_number_id is not null then
    raise exception 'A channel with a WhatsApp number cannot be moved to another store by its owner'
      using errcode = '42501';
  end if;
  return new;
end;
$$;

create trigger business_channel_settings_number_guard
  before insert or update on public.business_channel_settings
  for each row execute function public.guard_channel_number();

-- One holder per number: where inactive channels still name a number another channel
-- holds, the active (else the most recently changed) one keeps it.
with ranked as (
  select id, row_number() over (partition by wa_phone_number_id order by is_active desc, updated_at desc, id) as n
  from public.business_channel_settings where wa_phone_number_id is not null
)
update public.business_channel_settings b set wa_phone_number_id = null
from ranked r where r.id = b.id and r.n > 1;

drop index public.business_channel_settings_wa_phone_number_id_key;
create unique index business_channel_settings_wa_phone_number_id_key
  on public.business_channel_settings (wa_phone_number_id)
  where wa_phone_number_id is not null;

create function public.guard_customer_consent()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user not in ('anon', 'authenticated') then
    return coalesce(new, old);
  end if;
  if tg_op = 'DELETE' then
    raise exception 'A consent record is kept; record an opt-out instead of deleting it'
      using errcode = '42501';
  end if;
  if tg_op = 'INSERT' then
    if new.is_opted_in then
      raise exception 'Only the customer opts in, by messaging the store or sending START; a store owner may only record an opt-out'
        using errcode = '42501';
    end if;
    new.consent_source := 'owner';
    new.consent_at := now();
    return new;
  end if;
  if new.store_id <> old.store_id or new.channel_type <> old.channel_type or new.customer_phone <> old.customer_phone then
    raise exception 'A consent record belongs to one customer of one store'
      using errcode = '42501';
  end if;
  if new.is_opted_in and not old.is_opted_in then
    raise exception 'Only the customer can opt back in, by sending START'
      using errcode = '42501';
  end if;
  if new.is_opted_in is distinct from old.is_opted_in then
    new.consent_source := 'owner';
    new.consent_at := now();
  else
    new.consent_source := old.consent_source;
    new.consent_at := old.consent_at;
  end if;
  return new;
end;
$$;

create trigger customer_channel_opt_in_consent_guard
  before insert or update or delete on public.customer_channel_opt_in
  for each row execute function public.guard_customer_consent();
