import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import { deliveryWords, formatMoney, formatWhen, paymentWords } from '../inbox/format-shop.js';
import { useShopQuery } from '../inbox/use-shop-query.js';
import { OrderActions } from './OrderActions.js';

/** One order: its lines, payment attempts and delivery. */
export function OrderDetailPanel({ id, timeZone, onClose }: { id: string; timeZone: string; onClose: () => void }) {
  const order = useShopQuery(`order:${id}`, (api) => api.call('orders:get', { id }));
  if (order.error) return <p className="error">{order.error}</p>;
  const o = order.data;
  if (!o) return null;
  return (
    <section className="orders__detail" aria-label={`Order ${o.orderNumber}`}>
      <header className="inbox__thread-head">
        <h2>
          Order #{o.orderNumber} · <span className="order-status">{o.status}</span>
        </h2>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </header>
      <p>
        {o.customerName ?? ''} {o.customerPhone ? displayPhone(o.customerPhone) : ''} · placed {formatWhen(o.createdAt, timeZone)}
      </p>
      <table>
        <thead>
          <tr>
            <th>SKU</th>
            <th>Product</th>
            <th>Qty</th>
            <th>Unit price</th>
          </tr>
        </thead>
        <tbody>
          {o.lines.map((line) => (
            <tr key={line.sku}>
              <td>{line.sku}</td>
              <td>{line.name}</td>
              <td>{line.quantity}</td>
              <td>{formatMoney(line.unitPrice, o.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Subtotal {formatMoney(o.subtotal, o.currency)} · Total <strong>{formatMoney(o.total, o.currency)}</strong>
      </p>
      <p>
        <span className="order-payment">{paymentWords(o.paymentStatus)}</span>
        {o.paymentReason ? ` (${o.paymentReason})` : ''} · Delivery:{' '}
        <span className="order-delivery">{deliveryWords(o.deliveryStatus)}</span>
        {o.deliveryEta ? ` · ETA ${formatWhen(o.deliveryEta, timeZone)}` : ''}
        {o.trackingNumber ? ` · tracking ${o.trackingNumber}` : ''}
      </p>
      <OrderActions order={o} timeZone={timeZone} />
      {o.payments.length ? (
        <ul>
          {o.payments.map((p, i) => (
            <li key={p.reference ?? i}>
              {paymentWords(p.status)} {p.amount ? formatMoney(p.amount, o.currency) : ''} {p.network ?? ''}{' '}
              {p.reason ? `— ${p.reason}` : ''} <span className="muted">{formatWhen(p.at, timeZone)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
