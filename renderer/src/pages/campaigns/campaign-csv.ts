import type { CampaignRecipient } from '../../../../shared/campaigns/campaign-schemas.js';
import { type CsvColumn, phoneForSpreadsheet } from '../../../../shared/csv/to-csv.js';
import { statusWords } from './status-words.js';

/** A campaign's outcomes, one row per recipient, Excel-safe like every export. */
export const campaignCsvColumns: readonly CsvColumn<CampaignRecipient>[] = [
  { header: 'Name', value: (r) => r.name },
  { header: 'Phone', value: (r) => phoneForSpreadsheet(r.phone) },
  { header: 'Status', value: (r) => statusWords[r.status] },
  { header: 'Detail', value: (r) => r.detail },
  { header: 'Meta error code', value: (r) => r.errorCode },
  { header: 'Scheduled (UTC)', value: (r) => r.scheduledFor },
  { header: 'Sent (UTC)', value: (r) => r.sentAt },
  { header: 'Delivered (UTC)', value: (r) => r.deliveredAt },
  { header: 'Read (UTC)', value: (r) => r.readAt },
  { header: 'Failed (UTC)', value: (r) => r.failedAt },
];
