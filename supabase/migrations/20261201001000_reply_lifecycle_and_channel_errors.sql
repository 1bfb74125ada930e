-- What happened to a reply, and what Meta reported as wrong, where the store sees it.
--
-- * Reply lifecycle: `accepted` (the Graph API took the send and returned a wamid) comes
--   before Meta's own `sent`, `delivered`, `read`, `failed`, which arrive as statuses and
--   only ever move a row forward. `sending` marks a payment notice claimed by its sender
--   (queued → sending → accepted | failed), so a claim is never mistaken for Meta's `sent`.
-- * error_code: Meta's numeric error code (e.g. 131026 undeliverable, 130429 throttled)
--   beside the words in error_message, for failed statuses and refused sends.
-- * channel_error rows: errors Meta reports in a webhook without a reply of ours to hang
--   them on — `value.errors` (a problem of the business number) and `messages[].errors`
--   (e.g. 131051, a message type Cloud API cannot read). They sit in the messaging log,
--   which owners read and Realtime streams, with the error object in message_payload.

alter table public.messaging_log add column error_code integer;

alter table public.messaging_log drop constraint messaging_log_status_check;
alter table public.messaging_log add constraint messaging_log_status_check
  check (status in ('queued', 'sending', 'accepted', 'sent', 'delivered', 'read', 'failed', 'received', 'processed'));

alter table public.messaging_log drop constraint messaging_log_message_type_check;
alter table public.messaging_log add constraint messaging_log_message_type_check
  check (message_type in ('inbound', 'outbound_text', 'outbound_template', 'outbound_interactive', 'channel_error'));
