/**
 * The chat commands customers type: ADD <SKU> <QTY>, REMOVE <SKU>, CART,
 * CHECKOUT, STATUS, TRACK <ORDER_ID>, STOP, START, HELP. Parsing is forgiving about case
 * and spacing because people type on phones; anything it cannot read becomes a command
 * that explains what went wrong, never an exception.
 */

import { shown } from './replies.ts';

export const MAX_LINE_QUANTITY = 999;

export type Command =
  | { kind: 'add'; sku: string; quantity: number }
  | { kind: 'remove'; sku: string }
  | { kind: 'cart' }
  | { kind: 'checkout' }
  | { kind: 'status' }
  | { kind: 'track'; orderRef: string }
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'help' }
  /** A catalogue `order` message: the customer's selection replaces the cart. */
  | { kind: 'order'; items: { sku: string; quantity: number }[] }
  /** A known command used wrongly; `problem` says how. */
  | { kind: 'usage'; command: 'ADD' | 'REMOVE' | 'TRACK'; problem: string }
  | { kind: 'unknown'; text: string }
  /** A message type that carries no command (image, audio, location…). */
  | { kind: 'unsupported'; messageType: string };

const USAGE = {
  ADD: 'Use ADD <SKU> <QTY>, for example ADD TSHIRT-M 2.',
  REMOVE: 'Use REMOVE <SKU>, for example REMOVE TSHIRT-M.',
  TRACK: 'Use TRACK <ORDER_ID>, for example TRACK 1042.',
} as const;

/** Whole numbers from 1 to MAX_LINE_QUANTITY; anything else is explained to the customer. */
export function parseQuantity(raw: string | number): { ok: true; quantity: number } | { ok: false; problem: string } {
  const text = String(raw).trim();
  if (!/^[+]?\d+$/.test(text)) return { ok: false, problem: `"${shown(text)}" is not a whole number.` };
  const quantity = Number(text);
  if (quantity < 1) return { ok: false, problem: 'The quantity must be at least 1.' };
  if (quantity > MAX_LINE_QUANTITY) return { ok: false, problem: `The quantity can be at most ${MAX_LINE_QUANTITY}.` };
  return { ok: true, quantity };
}

export function normaliseSku(raw: string): string {
  return raw.trim().toUpperCase();
}

export function parseCommand(text: string): Command {
  const words = text.trim().split(/\s+/).filter(Boolean);
  // An empty message most likely means "what can I do here?".
  if (words.length === 0) return { kind: 'help' };
  const [first = '', ...args] = words;
  const keyword = first.replace(/^[/#!]/, '').toUpperCase();

  switch (keyword) {
    case 'ADD': {
      const [sku, quantity, ...extra] = args;
      if (!sku) return { kind: 'usage', command: 'ADD', problem: `Which product? ${USAGE.ADD}` };
      if (extra.length > 0) return { kind: 'usage', command: 'ADD', problem: `Too many words. ${USAGE.ADD}` };
      if (quantity === undefined) return { kind: 'add', sku: normaliseSku(sku), quantity: 1 };
      const parsed = parseQuantity(quantity);
      return parsed.ok
        ? { kind: 'add', sku: normaliseSku(sku), quantity: parsed.quantity }
        : { kind: 'usage', command: 'ADD', problem: `${parsed.problem} ${USAGE.ADD}` };
    }
    case 'REMOVE': {
      const [sku, ...extra] = args;
      if (!sku || extra.length > 0) return { kind: 'usage', command: 'REMOVE', problem: USAGE.REMOVE };
      return { kind: 'remove', sku: normaliseSku(sku) };
    }
    case 'TRACK': {
      const [orderRef, ...extra] = args;
      if (!orderRef || extra.length > 0) return { kind: 'usage', command: 'TRACK', problem: USAGE.TRACK };
      return { kind: 'track', orderRef: orderRef.replace(/^#/, '') };
    }
    case 'CART':
    case 'CHECKOUT':
    case 'STATUS':
    case 'STOP':
    case 'START':
    case 'HELP':
      // "cart please" still means CART; the extra words carry nothing we act on.
      return { kind: keyword.toLowerCase() as 'cart' | 'checkout' | 'status' | 'stop' | 'start' | 'help' };
    default:
      return { kind: 'unknown', text: text.trim() };
  }
}
