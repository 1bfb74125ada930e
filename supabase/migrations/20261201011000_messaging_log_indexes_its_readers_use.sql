-- messaging_log keeps only the indexes a query reads. Every inbound message writes three
-- row versions (its own row, its update to processed, its reply's row), and no update of
-- it can be HOT: each changes sync_version, which the pull's index holds. So every index
-- costs an entry per version, three per message.
--
-- * (store_id, created_at desc) is read by no query: the console's Inbox reads its synced
--   copy on the desktop, and the pull reads by sync_version. Dropped.
-- * (store_id, customer_phone, created_at) has one reader, the reply's customer service
--   window (a customer's latest inbound message). It now holds inbound rows only, so
--   replies, notices and channel errors enter it no more.

drop index public.messaging_log_store_created_idx;

create index messaging_log_inbound_by_customer_idx
  on public.messaging_log (store_id, customer_phone, created_at)
  where message_type = 'inbound';
drop index public.messaging_log_store_phone_created_idx;
