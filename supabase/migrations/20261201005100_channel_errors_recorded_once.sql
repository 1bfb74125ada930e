-- Meta's errors carry no id, so a redelivery (Meta retries when our 200 was lost) used to
-- record the same error again. Each channel_error row now carries a key in its payload:
-- a message's own errors are keyed by the message and their place in it (recorded once,
-- ever); a number's errors (`value.errors`) by the number, the error's content and the
-- hour it arrived, since a redelivery and a genuine repeat of the same throttling error
-- look alike: the same error for the same number is recorded once an hour.
create unique index messaging_log_channel_error_once
  on public.messaging_log (store_id, (message_payload ->> 'error_key'))
  where message_type = 'channel_error';
