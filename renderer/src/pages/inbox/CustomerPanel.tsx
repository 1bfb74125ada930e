import type { ConversationDetail } from '../../../../shared/shop/inbox-schemas.js';
import { deliveryWords, formatMoney, formatWhen, paymentWords } from './format-shop.js';

/** Beside the conversation: what the customer has in their cart, their orders, and the last payment link they got. */
export function CustomerPanel({ detail, timeZone }: { detail: ConversationDetail; timeZone: string }) {
  const { cart, orders, lastPaymentLink, conversation } = detail;
  return (
    <aside className="inbox__customer" aria-label="Customer">
      <section>
        <h3>Consent</h3>
        <p>
          {conversation.optedIn === false ? 'Sent STOP — receives nothing' : 'Receives messages'}
          {conversation.rateLimited ? ' · over 30 messages this minute: the shop is silent until it ends' : ''}
        </p>
      </section>
      <section aria-label="Cart">
        <h3>Cart</h3>
        {cart && cart.lines.length ? (
          <ul className="inbox__lines">
            {cart.lines.map((line) => (
              <li key={line.sku}>
                {line.quantity} × {line.name} <span className="muted">({line.sku})</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">Empty</p>
        )}
      </section>
      <section aria-label="Orders">
        <h3>Orders</h3>
        {orders.length ? (
          <ul className="inbox__orders">
            {orders.map((order) => (
              <li key={order.id} data-order={order.orderNumber ?? ''}>
                <strong>#{order.orderNumber}</strong> {formatMoney(order.total, order.currency)} ·{' '}
                <span className="order-status">{order.status}</span>
                <br />
                <span className="order-payment">{paymentWords(order.paymentStatus)}</span>
                {order.paymentReason ? <span className="muted"> ({order.paymentReason})</span> : null} ·{' '}
                <span className="order-delivery">{deliveryWords(order.deliveryStatus)}</span>
                {order.deliveryEta ? <span> · ETA {formatWhen(order.deliveryEta, timeZone)}</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No orders yet</p>
        )}
      </section>
      <section aria-label="Last payment link">
        <h3>Last payment link</h3>
        {lastPaymentLink ? (
          <p>
            <span className="inbox__link">{lastPaymentLink.text}</span>
            <br />
            <span className="muted">
              Sent {formatWhen(lastPaymentLink.at, timeZone)} — its secret token is not kept, so it is shown redacted.
            </span>
          </p>
        ) : (
          <p className="muted">None sent</p>
        )}
      </section>
    </aside>
  );
}
