-- Replies a store owner writes in the console, sent by the send-reply function.
--
-- * The reply is its own messaging_log row, written before the send (status `sending`) and
--   moved to `accepted` with its wamid, or to `failed` with Meta's words, after it. The
--   console names each reply with an idempotency key (in message_payload); one key is one
--   row per store, so a double click or a retried request after a lost answer finds the
--   row instead of sending again. A row left at `sending` (the function died between the
--   send and the update) is an outcome nobody knows: it is shown as such and never resent.
-- * sent_by: the user who wrote it, so a shared store's log says who answered.

alter table public.messaging_log add column sent_by uuid references auth.users (id) on delete set null;

create unique index messaging_log_reply_key
  on public.messaging_log (store_id, (message_payload ->> 'idempotency_key'))
  where message_payload ? 'idempotency_key';
