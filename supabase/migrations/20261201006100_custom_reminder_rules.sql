-- Reminder rules beyond the five every organisation starts with. A rule a coordinator adds
-- is keyed 'rule_<uuid>' (made on the desktop, so two desktops never pick the same key) and
-- carries its own name; label null keeps a default's built-in name.
alter table public.workshop_automation_config
  add column label text check (label is null or char_length(label) between 1 and 80);

alter table public.workshop_automation_config drop constraint workshop_automation_config_rule_key_check;
alter table public.workshop_automation_config add constraint workshop_automation_config_rule_key_check
  check (rule_key in ('morning-of', '6h-before', '1h-before', '30m-before', 'live-now')
    or rule_key ~ '^rule_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$');

-- A reminder names the rule that made it, added rules included.
alter table public.scheduled_whatsapp_messages drop constraint scheduled_whatsapp_messages_rule_key_check;
alter table public.scheduled_whatsapp_messages add constraint scheduled_whatsapp_messages_rule_key_check
  check (rule_key in ('morning-of', '6h-before', '1h-before', '30m-before', 'live-now')
    or rule_key ~ '^rule_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$');
