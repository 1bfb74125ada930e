import type { Migration } from '../migration.js';
import { settingsMigration } from './0001-settings.js';
import { whatsappSessionsMigration } from './0002-whatsapp-sessions.js';
import { workshopsMembershipMigration } from './0003-workshops-membership.js';
import { messagesMigration } from './0004-messages.js';
import { messageEditsMigration } from './0005-message-edits.js';
import { syncMigration } from './0006-sync.js';
import { messageReceiptsMigration } from './0007-message-receipts.js';
import { messageSourcesMigration } from './0008-message-sources.js';
import { syncGroupFreshnessMigration } from './0009-sync-group-freshness.js';
import { inboxMigration } from './0010-inbox.js';
import { memberWindowOrderMigration } from './0011-member-window-order.js';
import { syncSeedsMigration } from './0012-sync-seeds.js';
import { syncReceiptsMigration } from './0013-sync-receipts.js';
import { membersByLidMigration } from './0014-members-by-lid.js';
import { cloudApiMigration } from './0015-cloud-api.js';
import { customReminderRulesMigration } from './0016-custom-reminder-rules.js';
import { inboxSummaryMigration } from './0017-inbox-summary.js';
import { alertsMigration } from './0018-alerts.js';
import { syncResetMarksMigration } from './0019-sync-reset-marks.js';
import { accountEventsMigration } from './0020-account-events.js';
import { memberRemovedByMigration } from './0021-member-removed-by.js';
import { sentMessageStampsMigration } from './0022-sent-message-stamps.js';
import { messageHistoryOrderMigration } from './0023-message-history-order.js';
import { leadNameFoldMigration } from './0024-lead-name-fold.js';
import { removedRuleNamesMigration } from './0025-removed-rule-names.js';

/** Every schema step in order. Forward-only: a shipped step is never edited, only followed. */
export const migrations: readonly Migration[] = [
  settingsMigration,
  whatsappSessionsMigration,
  workshopsMembershipMigration,
  messagesMigration,
  messageEditsMigration,
  syncMigration,
  messageReceiptsMigration,
  messageSourcesMigration,
  syncGroupFreshnessMigration,
  inboxMigration,
  memberWindowOrderMigration,
  syncSeedsMigration,
  syncReceiptsMigration,
  membersByLidMigration,
  cloudApiMigration,
  customReminderRulesMigration,
  inboxSummaryMigration,
  alertsMigration,
  syncResetMarksMigration,
  accountEventsMigration,
  memberRemovedByMigration,
  sentMessageStampsMigration,
  messageHistoryOrderMigration,
  leadNameFoldMigration,
  removedRuleNamesMigration,
];
