/** How the shop pages write times, money and numbers. */

// Making a formatter costs far more than using one, and a list paints dozens of times at once.
const whenFormats = new Map<string, Intl.DateTimeFormat>();

export function formatWhen(iso: string | null, timeZone: string): string {
  if (!iso) return '—';
  let format = whenFormats.get(timeZone);
  if (!format)
    whenFormats.set(
      timeZone,
      (format = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })),
    );
  return format.format(new Date(iso));
}

export function formatMoney(amount: string, currency: string): string {
  const [whole = '0', fraction = '00'] = amount.split('.');
  return `${currency} ${Number(whole).toLocaleString('en')}.${fraction.padEnd(2, '0').slice(0, 2)}`;
}

/** "23 h 05 min" left of a window, or null once it has closed. */
export function timeLeft(until: string | null, now: number): string | null {
  if (!until) return null;
  const ms = Date.parse(until) - now;
  if (ms <= 0) return null;
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  return hours > 0
    ? `${hours} h ${String(minutes % 60).padStart(2, '0')} min`
    : `${minutes} min ${String(Math.floor(ms / 1000) % 60).padStart(2, '0')} s`;
}

const PAYMENT_WORDS: Record<string, string> = {
  pending: 'Payment pending',
  succeeded: 'Paid',
  failed: 'Payment failed',
  needs_review: 'Payment needs review',
};

export function paymentWords(status: string | null): string {
  return status ? (PAYMENT_WORDS[status] ?? status) : 'Not paid yet';
}

export function deliveryWords(status: string | null): string {
  return status ? status.replace('_', ' ') : 'Not dispatched';
}
