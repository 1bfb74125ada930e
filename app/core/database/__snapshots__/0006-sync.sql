
    -- Client id, chosen organisation, pull cursors, last sync outcome: small values the sync loop keeps.
    CREATE TABLE sync_state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- The hosted backend's session (access and refresh tokens), each value encrypted with
    -- the console's data key and bound to its key name.
    CREATE TABLE sync_secrets (
      key TEXT PRIMARY KEY,
      value BLOB NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- One row. Triggers record changes only while capturing is 1: off until an organisation
    -- is chosen (a console never signed in grows no outbox), and switched off inside the
    -- transaction that applies pulled rows, so what came from the server is not sent back.
    CREATE TABLE sync_capture (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      capturing INTEGER NOT NULL CHECK (capturing IN (0, 1))
    ) STRICT;
    INSERT INTO sync_capture (id, capturing) VALUES (1, 0);

    -- Changes waiting for upload, oldest first. AUTOINCREMENT: a sequence number is never
    -- reused after its row is acknowledged and deleted, so the server's "last applied
    -- sequence" tells replays from new changes.
    CREATE TABLE sync_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      entity TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
      row_key TEXT NOT NULL,
      payload TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX sync_outbox_row ON sync_outbox (entity, row_key);

    -- The server's version of each row as last seen, sent back with an edit so the server
    -- can tell an edit of the current row from one made over an older copy.
    CREATE TABLE sync_row_versions (
      entity TEXT NOT NULL,
      row_key TEXT NOT NULL,
      version INTEGER NOT NULL,
      PRIMARY KEY (entity, row_key)
    ) STRICT, WITHOUT ROWID;

    -- Local edits the server did not take (edited in the CRM meanwhile, or refused): kept
    -- with both versions so the coordinator sees what was replaced instead of losing it.
    CREATE TABLE sync_conflicts (
      id INTEGER PRIMARY KEY,
      entity TEXT NOT NULL,
      row_key TEXT NOT NULL,
      reason TEXT NOT NULL CHECK (reason IN ('stale', 'rejected')),
      message TEXT NOT NULL,
      local_payload TEXT NOT NULL,
      server_payload TEXT,
      detected_at TEXT NOT NULL,
      dismissed_at TEXT
    ) STRICT;

    -- The shop's rows as the backend has them, for the Inbox and Orders pages: the
    -- columns that travel, the server's time of the last change and the row's version.
    -- Ids and times are text, JSON is text, amounts are text so no decimal is rounded.
    CREATE TABLE messaging_log (
      id TEXT PRIMARY KEY,
      store_id TEXT NOT NULL,
      customer_phone TEXT,
      message_type TEXT NOT NULL,
      message_payload TEXT,
      status TEXT NOT NULL,
      whatsapp_message_id TEXT,
      template_name TEXT,
      template_language TEXT,
      error_message TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX messaging_log_customer ON messaging_log (store_id, customer_phone);

    CREATE TABLE orders (
      id TEXT PRIMARY KEY,
      order_number INTEGER,
      store_id TEXT NOT NULL,
      status TEXT NOT NULL,
      customer_phone TEXT,
      customer_name TEXT,
      source TEXT,
      items TEXT,
      subtotal_amount TEXT,
      total_amount TEXT,
      currency TEXT,
      delivery_status TEXT,
      delivery_eta TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX orders_customer ON orders (store_id, customer_phone);

    CREATE TABLE payment_transactions (
      id TEXT PRIMARY KEY,
      store_id TEXT NOT NULL,
      order_id TEXT,
      reference TEXT,
      amount TEXT,
      currency TEXT,
      status TEXT NOT NULL,
      customer_phone TEXT,
      network TEXT,
      completed_at TEXT,
      failure_reason TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX payment_transactions_order ON payment_transactions (order_id);

    CREATE TABLE deliveries (
      id TEXT PRIMARY KEY,
      store_id TEXT NOT NULL,
      order_id TEXT,
      status TEXT NOT NULL,
      carrier TEXT,
      tracking_number TEXT,
      tracking_url TEXT,
      eta TEXT,
      delivered_at TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX deliveries_order ON deliveries (order_id);

    CREATE TRIGGER whatsapp_sessions_outbox_insert AFTER INSERT ON whatsapp_sessions WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('whatsapp_sessions', 'upsert', NEW.id, json_object('id', NEW.id, 'label', NEW.label, 'transport', NEW.transport, 'state', NEW.state, 'state_reason', NEW.state_reason, 'phone', NEW.phone, 'display_name', NEW.display_name, 'last_active_at', NEW.last_active_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER whatsapp_sessions_outbox_update AFTER UPDATE OF label, state, state_reason, phone, display_name, last_active_at ON whatsapp_sessions WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND (NEW.label IS NOT OLD.label OR NEW.state IS NOT OLD.state OR NEW.state_reason IS NOT OLD.state_reason OR NEW.phone IS NOT OLD.phone OR NEW.display_name IS NOT OLD.display_name OR NEW.last_active_at IS NOT OLD.last_active_at)
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('whatsapp_sessions', 'upsert', NEW.id, json_object('id', NEW.id, 'label', NEW.label, 'transport', NEW.transport, 'state', NEW.state, 'state_reason', NEW.state_reason, 'phone', NEW.phone, 'display_name', NEW.display_name, 'last_active_at', NEW.last_active_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER whatsapp_sessions_outbox_delete AFTER DELETE ON whatsapp_sessions WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('whatsapp_sessions', 'delete', OLD.id, json_object('id', OLD.id), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER whatsapp_groups_outbox_insert AFTER INSERT ON whatsapp_groups WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('whatsapp_groups', 'upsert', NEW.session_id || ' ' || NEW.group_jid, json_object('session_id', NEW.session_id, 'group_jid', NEW.group_jid, 'subject', NEW.subject, 'size', NEW.size, 'is_admin', NEW.is_admin, 'invite_link', NEW.invite_link, 'addressing_mode', NEW.addressing_mode, 'synced_at', NEW.synced_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER whatsapp_groups_outbox_update AFTER UPDATE OF subject, size, is_admin, invite_link, addressing_mode, synced_at ON whatsapp_groups WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND (NEW.subject IS NOT OLD.subject OR NEW.size IS NOT OLD.size OR NEW.is_admin IS NOT OLD.is_admin OR NEW.invite_link IS NOT OLD.invite_link OR NEW.addressing_mode IS NOT OLD.addressing_mode OR NEW.synced_at IS NOT OLD.synced_at)
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('whatsapp_groups', 'upsert', NEW.session_id || ' ' || NEW.group_jid, json_object('session_id', NEW.session_id, 'group_jid', NEW.group_jid, 'subject', NEW.subject, 'size', NEW.size, 'is_admin', NEW.is_admin, 'invite_link', NEW.invite_link, 'addressing_mode', NEW.addressing_mode, 'synced_at', NEW.synced_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER whatsapp_groups_outbox_delete AFTER DELETE ON whatsapp_groups WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('whatsapp_groups', 'delete', OLD.session_id || ' ' || OLD.group_jid, json_object('session_id', OLD.session_id, 'group_jid', OLD.group_jid), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshop_group_members_outbox_insert AFTER INSERT ON workshop_group_members WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshop_group_members', 'upsert', CAST(NEW.id AS TEXT), json_object('id', NEW.id, 'group_jid', NEW.group_jid, 'lid', NEW.lid, 'phone', NEW.phone, 'status', NEW.status, 'joined_at', NEW.joined_at, 'joined_source', NEW.joined_source, 'left_at', NEW.left_at, 'left_source', NEW.left_source, 'is_admin', NEW.is_admin, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshop_group_members_outbox_update AFTER UPDATE OF lid, phone, status, joined_at, joined_source, left_at, left_source, is_admin ON workshop_group_members WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND (NEW.lid IS NOT OLD.lid OR NEW.phone IS NOT OLD.phone OR NEW.status IS NOT OLD.status OR NEW.joined_at IS NOT OLD.joined_at OR NEW.joined_source IS NOT OLD.joined_source OR NEW.left_at IS NOT OLD.left_at OR NEW.left_source IS NOT OLD.left_source OR NEW.is_admin IS NOT OLD.is_admin)
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshop_group_members', 'upsert', CAST(NEW.id AS TEXT), json_object('id', NEW.id, 'group_jid', NEW.group_jid, 'lid', NEW.lid, 'phone', NEW.phone, 'status', NEW.status, 'joined_at', NEW.joined_at, 'joined_source', NEW.joined_source, 'left_at', NEW.left_at, 'left_source', NEW.left_source, 'is_admin', NEW.is_admin, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshop_group_members_outbox_delete AFTER DELETE ON workshop_group_members WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshop_group_members', 'delete', CAST(OLD.id AS TEXT), json_object('id', OLD.id, 'group_jid', OLD.group_jid, 'lid', OLD.lid, 'phone', OLD.phone), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER membership_events_outbox_insert AFTER INSERT ON membership_events WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('membership_events', 'upsert', CAST(NEW.id AS TEXT), json_object('id', NEW.id, 'group_jid', NEW.group_jid, 'action', NEW.action, 'source', NEW.source, 'occurred_at', NEW.occurred_at, 'phone', (SELECT phone FROM workshop_group_members WHERE id = NEW.member_id), 'lid', (SELECT lid FROM workshop_group_members WHERE id = NEW.member_id)), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshops_outbox_insert AFTER INSERT ON workshops WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshops', 'upsert', NEW.id, json_object('id', NEW.id, 'name', NEW.name, 'starts_at', NEW.starts_at, 'starts_at_local', NEW.starts_at_local, 'time_zone', NEW.time_zone, 'duration_minutes', NEW.duration_minutes, 'description', NEW.description, 'join_link', NEW.join_link, 'session_id', NEW.session_id, 'group_jid', NEW.group_jid, 'last_synced_at', NEW.last_synced_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshops_outbox_update AFTER UPDATE OF name, starts_at, starts_at_local, time_zone, duration_minutes, description, join_link, session_id, group_jid, last_synced_at ON workshops WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND (NEW.name IS NOT OLD.name OR NEW.starts_at IS NOT OLD.starts_at OR NEW.starts_at_local IS NOT OLD.starts_at_local OR NEW.time_zone IS NOT OLD.time_zone OR NEW.duration_minutes IS NOT OLD.duration_minutes OR NEW.description IS NOT OLD.description OR NEW.join_link IS NOT OLD.join_link OR NEW.session_id IS NOT OLD.session_id OR NEW.group_jid IS NOT OLD.group_jid OR NEW.last_synced_at IS NOT OLD.last_synced_at)
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshops', 'upsert', NEW.id, json_object('id', NEW.id, 'name', NEW.name, 'starts_at', NEW.starts_at, 'starts_at_local', NEW.starts_at_local, 'time_zone', NEW.time_zone, 'duration_minutes', NEW.duration_minutes, 'description', NEW.description, 'join_link', NEW.join_link, 'session_id', NEW.session_id, 'group_jid', NEW.group_jid, 'last_synced_at', NEW.last_synced_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshops_outbox_delete AFTER DELETE ON workshops WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshops', 'delete', OLD.id, json_object('id', OLD.id), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER leads_outbox_insert AFTER INSERT ON leads WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('leads', 'upsert', NEW.phone, json_object('phone', NEW.phone, 'name', NEW.name, 'email', NEW.email, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER leads_outbox_update AFTER UPDATE OF phone, name, email ON leads WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND (NEW.phone IS NOT OLD.phone OR NEW.name IS NOT OLD.name OR NEW.email IS NOT OLD.email)
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('leads', 'upsert', NEW.phone, json_object('phone', NEW.phone, 'name', NEW.name, 'email', NEW.email, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER leads_outbox_delete AFTER DELETE ON leads WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('leads', 'delete', OLD.phone, json_object('phone', OLD.phone), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER lead_assignments_outbox_insert AFTER INSERT ON lead_assignments WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND NOT ((SELECT phone FROM leads WHERE id = NEW.lead_id) IS NULL)
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('lead_assignments', 'upsert', NEW.workshop_id || ' ' || (SELECT phone FROM leads WHERE id = NEW.lead_id), json_object('workshop_id', NEW.workshop_id, 'phone', (SELECT phone FROM leads WHERE id = NEW.lead_id), 'created_at', NEW.created_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER lead_assignments_outbox_delete AFTER DELETE ON lead_assignments WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND NOT ((SELECT phone FROM leads WHERE id = OLD.lead_id) IS NULL)
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('lead_assignments', 'delete', OLD.workshop_id || ' ' || (SELECT phone FROM leads WHERE id = OLD.lead_id), json_object('workshop_id', OLD.workshop_id, 'phone', (SELECT phone FROM leads WHERE id = OLD.lead_id)), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER message_templates_outbox_insert AFTER INSERT ON message_templates WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('message_templates', 'upsert', NEW.id, json_object('id', NEW.id, 'name', NEW.name, 'body', NEW.body, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER message_templates_outbox_update AFTER UPDATE OF name, body ON message_templates WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND (NEW.name IS NOT OLD.name OR NEW.body IS NOT OLD.body)
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('message_templates', 'upsert', NEW.id, json_object('id', NEW.id, 'name', NEW.name, 'body', NEW.body, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER message_templates_outbox_delete AFTER DELETE ON message_templates WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('message_templates', 'delete', OLD.id, json_object('id', OLD.id), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshop_automation_config_outbox_insert AFTER INSERT ON workshop_automation_config WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshop_automation_config', 'upsert', coalesce(NEW.workshop_id, '') || ' ' || NEW.rule_key, json_object('workshop_id', NEW.workshop_id, 'rule_key', NEW.rule_key, 'label', NEW.label, 'enabled', NEW.enabled, 'template_id', NEW.template_id, 'local_time', NEW.local_time, 'minutes_before', NEW.minutes_before, 'grace_minutes', NEW.grace_minutes, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshop_automation_config_outbox_update AFTER UPDATE OF label, enabled, template_id, local_time, minutes_before, grace_minutes ON workshop_automation_config WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND (NEW.label IS NOT OLD.label OR NEW.enabled IS NOT OLD.enabled OR NEW.template_id IS NOT OLD.template_id OR NEW.local_time IS NOT OLD.local_time OR NEW.minutes_before IS NOT OLD.minutes_before OR NEW.grace_minutes IS NOT OLD.grace_minutes)
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshop_automation_config', 'upsert', coalesce(NEW.workshop_id, '') || ' ' || NEW.rule_key, json_object('workshop_id', NEW.workshop_id, 'rule_key', NEW.rule_key, 'label', NEW.label, 'enabled', NEW.enabled, 'template_id', NEW.template_id, 'local_time', NEW.local_time, 'minutes_before', NEW.minutes_before, 'grace_minutes', NEW.grace_minutes, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshop_automation_config_outbox_delete AFTER DELETE ON workshop_automation_config WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshop_automation_config', 'delete', coalesce(OLD.workshop_id, '') || ' ' || OLD.rule_key, json_object('workshop_id', OLD.workshop_id, 'rule_key', OLD.rule_key), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER scheduled_whatsapp_messages_outbox_insert AFTER INSERT ON scheduled_whatsapp_messages WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('scheduled_whatsapp_messages', 'upsert', NEW.id, json_object('id', NEW.id, 'workshop_id', NEW.workshop_id, 'rule_key', NEW.rule_key, 'idempotency_key', NEW.idempotency_key, 'session_id', NEW.session_id, 'group_jid', NEW.group_jid, 'kind', NEW.kind, 'body', NEW.body, 'media_mimetype', NEW.media_mimetype, 'file_name', NEW.file_name, 'scheduled_for', NEW.scheduled_for, 'grace_minutes', NEW.grace_minutes, 'status', NEW.status, 'cancelled_by', NEW.cancelled_by, 'attempts', NEW.attempts, 'next_attempt_at', NEW.next_attempt_at, 'last_error', NEW.last_error, 'message_id', NEW.message_id, 'sent_at', NEW.sent_at, 'receipt', NEW.receipt, 'edited_at', NEW.edited_at, 'recipients', NEW.recipients, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER scheduled_whatsapp_messages_outbox_update AFTER UPDATE OF body, scheduled_for, status, cancelled_by, attempts, next_attempt_at, last_error, message_id, sent_at, receipt, edited_at, session_id, group_jid, recipients ON scheduled_whatsapp_messages WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND (NEW.body IS NOT OLD.body OR NEW.scheduled_for IS NOT OLD.scheduled_for OR NEW.status IS NOT OLD.status OR NEW.cancelled_by IS NOT OLD.cancelled_by OR NEW.attempts IS NOT OLD.attempts OR NEW.next_attempt_at IS NOT OLD.next_attempt_at OR NEW.last_error IS NOT OLD.last_error OR NEW.message_id IS NOT OLD.message_id OR NEW.sent_at IS NOT OLD.sent_at OR NEW.receipt IS NOT OLD.receipt OR NEW.edited_at IS NOT OLD.edited_at OR NEW.session_id IS NOT OLD.session_id OR NEW.group_jid IS NOT OLD.group_jid OR NEW.recipients IS NOT OLD.recipients)
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('scheduled_whatsapp_messages', 'upsert', NEW.id, json_object('id', NEW.id, 'workshop_id', NEW.workshop_id, 'rule_key', NEW.rule_key, 'idempotency_key', NEW.idempotency_key, 'session_id', NEW.session_id, 'group_jid', NEW.group_jid, 'kind', NEW.kind, 'body', NEW.body, 'media_mimetype', NEW.media_mimetype, 'file_name', NEW.file_name, 'scheduled_for', NEW.scheduled_for, 'grace_minutes', NEW.grace_minutes, 'status', NEW.status, 'cancelled_by', NEW.cancelled_by, 'attempts', NEW.attempts, 'next_attempt_at', NEW.next_attempt_at, 'last_error', NEW.last_error, 'message_id', NEW.message_id, 'sent_at', NEW.sent_at, 'receipt', NEW.receipt, 'edited_at', NEW.edited_at, 'recipients', NEW.recipients, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER scheduled_whatsapp_messages_outbox_delete AFTER DELETE ON scheduled_whatsapp_messages WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('scheduled_whatsapp_messages', 'delete', OLD.id, json_object('id', OLD.id), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
  