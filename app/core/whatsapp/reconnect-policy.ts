import type { SessionState } from '../../../shared/sessions/session-view.js';
import type { CloseReason } from './whatsapp-transport.js';

export const BASE_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 60_000;

/**
 * Exponential back-off with jitter: 1 s, 2 s, 4 s … capped at a minute, each drawn between
 * half and the whole of its step so many consoles that lost the network together do not
 * reconnect in lockstep. At most about eight tries in the first minute, one a minute after.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.round(step * (0.5 + random() / 2));
}

export type CloseAction =
  | { kind: 'reconnect-now' }
  | { kind: 'back-off' }
  | { kind: 'stop'; state: Extract<SessionState, 'logged-out' | 'replaced' | 'restricted'>; wipeKeys: boolean; reason: string };

/** What each WhatsApp close code means for the session, in one place. */
export function actionForClose(reason: CloseReason, wasWaitingForQr: boolean): CloseAction | null {
  switch (reason) {
    case 'closed-by-us':
      return null;
    case 'restart-required':
      return { kind: 'reconnect-now' };
    case 'logged-out':
      return {
        kind: 'stop',
        state: 'logged-out',
        wipeKeys: true,
        reason: 'The phone unlinked this console, or WhatsApp ended the session.',
      };
    case 'restricted':
      return { kind: 'stop', state: 'restricted', wipeKeys: false, reason: 'WhatsApp refused this account (403).' };
    case 'replaced':
      return { kind: 'stop', state: 'replaced', wipeKeys: false, reason: 'Another client opened this session (440).' };
    case 'version-refused':
      // The Baileys transport fetches the current WhatsApp Web version itself before it reconnects.
      return { kind: 'back-off' };
    case 'network':
      // A QR nobody scanned expires; showing fresh ones forever to an empty room helps nobody.
      return wasWaitingForQr
        ? { kind: 'stop', state: 'logged-out', wipeKeys: true, reason: 'The QR code expired before it was scanned.' }
        : { kind: 'back-off' };
  }
}
