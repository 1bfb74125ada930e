import { useState } from 'react';
import { orderStatuses, paymentStatuses, type OrderSummary } from '../../../shared/shop/inbox-schemas.js';
import { displayPhone } from '../../../shared/phone/normalise-phone.js';
import { useConsole } from '../app/console-context.js';
import { type TableColumn, VirtualTable } from '../components/VirtualTable.js';
import { deliveryWords, formatMoney, formatWhen, paymentWords } from './inbox/format-shop.js';
import { useShopQuery } from './inbox/use-shop-query.js';
import { OrderDetailPanel } from './orders/OrderDetailPanel.js';
import { orderCsvColumns } from './orders/order-csv.js';
import { PageHeader } from './PageHeader.js';
import { csvFileName, downloadCsv } from './workshops/download-csv.js';

type Filters = { status: string; payment: string; from: string; to: string; search: string };

/** The shop's orders with their payment and delivery, as sync brings them. */
export function OrdersPage() {
  const timeZone = useConsole((state) => state.settings?.timeZone ?? 'UTC');
  const [filters, setFilters] = useState<Filters>({ status: '', payment: '', from: '', to: '', search: '' });
  const [selected, setSelected] = useState<string | null>(null);
  const query = {
    search: filters.search.trim(),
    ...(filters.status ? { status: filters.status as (typeof orderStatuses)[number] } : {}),
    ...(filters.payment ? { payment: filters.payment as (typeof paymentStatuses)[number] | 'none' } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
  };
  const list = useShopQuery(`orders:${JSON.stringify(query)}`, (api) => api.call('orders:list', query));
  const columns: TableColumn<OrderSummary>[] = [
    {
      key: 'number',
      header: 'Order',
      width: 'minmax(80px, 0.6fr)',
      cell: (o) => (
        <button type="button" className="link-button" onClick={() => setSelected(o.id)}>
          #{o.orderNumber}
        </button>
      ),
    },
    { key: 'placed', header: 'Placed', width: 'minmax(120px, 1fr)', cell: (o) => formatWhen(o.createdAt, timeZone) },
    {
      key: 'customer',
      header: 'Customer',
      width: 'minmax(160px, 1.4fr)',
      cell: (o) => o.customerName ?? (o.customerPhone ? displayPhone(o.customerPhone) : '—'),
    },
    { key: 'status', header: 'Status', width: 'minmax(90px, 0.8fr)', cell: (o) => o.status },
    { key: 'total', header: 'Total', width: 'minmax(120px, 1fr)', cell: (o) => formatMoney(o.total, o.currency) },
    { key: 'payment', header: 'Payment', width: 'minmax(120px, 1fr)', cell: (o) => paymentWords(o.paymentStatus) },
    { key: 'delivery', header: 'Delivery', width: 'minmax(110px, 1fr)', cell: (o) => deliveryWords(o.deliveryStatus) },
  ];
  const set = (name: keyof Filters) => (event: { target: { value: string } }) => setFilters({ ...filters, [name]: event.target.value });
  return (
    <>
      <PageHeader
        title="Orders"
        subtitle="Orders placed over WhatsApp, with their payment and delivery."
        actions={
          <button
            type="button"
            className="button"
            disabled={!list.data?.rows.length}
            onClick={() => list.data && downloadCsv(csvFileName('orders'), list.data.rows, orderCsvColumns)}
          >
            Export CSV
          </button>
        }
      />
      <div className="orders__filters">
        <label>
          Status
          <select value={filters.status} onChange={set('status')}>
            <option value="">Any</option>
            {orderStatuses.map((status) => (
              <option key={status}>{status}</option>
            ))}
          </select>
        </label>
        <label>
          Payment
          <select value={filters.payment} onChange={set('payment')}>
            <option value="">Any</option>
            <option value="none">Not paid yet</option>
            {paymentStatuses.map((status) => (
              <option key={status} value={status}>
                {paymentWords(status)}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filters.from} onChange={set('from')} />
        </label>
        <label>
          To
          <input type="date" value={filters.to} onChange={set('to')} />
        </label>
        <label>
          Search
          <input type="search" placeholder="Phone, name or order number" value={filters.search} onChange={set('search')} />
        </label>
      </div>
      {list.error ? <p className="error">{list.error}</p> : null}
      {list.data ? (
        <>
          <p aria-label="Totals">
            {list.data.rows.length.toLocaleString('en')} orders
            {list.data.totals.map((total) => ` · ${formatMoney(total.amount, total.currency)} in ${total.count} not cancelled`).join('')}
          </p>
          <VirtualTable label="Orders" rows={list.data.rows} columns={columns} rowKey={(o) => o.id} />
        </>
      ) : null}
      {selected ? <OrderDetailPanel id={selected} timeZone={timeZone} onClose={() => setSelected(null)} /> : null}
    </>
  );
}
