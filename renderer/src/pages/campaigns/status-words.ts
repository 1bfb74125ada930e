import type { SendStatus } from '../../../../shared/campaigns/campaign-schemas.js';

export const statusWords: Record<SendStatus, string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  unknown: 'Waiting for Meta',
  cancelled: 'Cancelled',
};

export const statusBadge: Record<SendStatus, string> = {
  queued: 'badge',
  sending: 'badge badge--busy',
  sent: 'badge badge--busy',
  delivered: 'badge badge--ok',
  read: 'badge badge--ok',
  failed: 'badge badge--danger',
  unknown: 'badge badge--attention',
  cancelled: 'badge',
};
