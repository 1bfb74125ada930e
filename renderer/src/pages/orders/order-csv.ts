import type { CsvColumn } from '../../../../shared/csv/to-csv.js';
import { phoneForSpreadsheet } from '../../../../shared/csv/to-csv.js';
import type { OrderSummary } from '../../../../shared/shop/inbox-schemas.js';

/** The Orders export: one row per order with its payment and delivery, Excel-safe like every export. */
export const orderCsvColumns: readonly CsvColumn<OrderSummary>[] = [
  { header: 'Order', value: (o) => o.orderNumber },
  { header: 'Placed (UTC)', value: (o) => o.createdAt },
  { header: 'Customer', value: (o) => o.customerName },
  { header: 'Phone', value: (o) => phoneForSpreadsheet(o.customerPhone) },
  { header: 'Status', value: (o) => o.status },
  { header: 'Total', value: (o) => o.total },
  { header: 'Currency', value: (o) => o.currency },
  { header: 'Payment', value: (o) => o.paymentStatus ?? 'none' },
  { header: 'Payment note', value: (o) => o.paymentReason },
  { header: 'Delivery', value: (o) => o.deliveryStatus },
  { header: 'Delivery ETA (UTC)', value: (o) => o.deliveryEta },
  { header: 'Tracking number', value: (o) => o.trackingNumber },
];
