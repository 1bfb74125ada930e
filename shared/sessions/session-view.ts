import { z } from 'zod';

export const sessionStates = ['connecting', 'waiting-for-qr', 'open', 'reconnecting', 'logged-out', 'replaced', 'restricted'] as const;
export const SessionStateSchema = z.enum(sessionStates);
export type SessionState = z.infer<typeof SessionStateSchema>;

export const TransportKindSchema = z.enum(['baileys', 'simulator']);

export const SessionViewSchema = z.object({
  id: z.string(),
  label: z.string(),
  kind: TransportKindSchema,
  state: SessionStateSchema,
  /** Why the session is in this state, in plain words, when that matters. */
  reason: z.string().nullable(),
  /** What the coordinator should do now, in plain words. */
  nextStep: z.string(),
  phone: z.string().nullable(),
  displayName: z.string().nullable(),
  lastActiveAt: z.string().nullable(),
  /** The QR to draw while waiting for one; rotates. */
  qr: z.string().nullable(),
  pairingCode: z.string().nullable(),
  reconnectAt: z.string().nullable(),
  needsAttention: z.boolean(),
});
export type SessionView = z.infer<typeof SessionViewSchema>;

const attentionStates: ReadonlySet<SessionState> = new Set(['logged-out', 'replaced', 'restricted', 'waiting-for-qr']);

export function needsAttention(state: SessionState): boolean {
  return attentionStates.has(state);
}

export interface NextStepContext {
  pairingCode: string | null;
  reconnectAt: string | null;
  now: number;
  /** The demo account links itself a few seconds after showing its code. */
  demo?: boolean;
  /** Whether the account was ever connected; one that never was has not "lost" anything. */
  everConnected?: boolean;
}

/** The sentence under each session: what is happening and what, if anything, to do. */
export function nextStepFor(state: SessionState, context: NextStepContext): string {
  switch (state) {
    case 'connecting':
      return 'Connecting to WhatsApp…';
    case 'waiting-for-qr':
      if (context.demo)
        return 'This is the demo account: it links itself in a few seconds, as a phone does when it scans this code under WhatsApp → Linked devices. No phone is needed.';
      return context.pairingCode
        ? 'On your phone: WhatsApp → Linked devices → Link a device → Link with phone number instead, then enter this code.'
        : 'On your phone: WhatsApp → Linked devices → Link a device, then point the camera at this code.';
    case 'open':
      return 'Connected. Nothing to do.';
    case 'reconnecting': {
      const seconds = context.reconnectAt ? Math.max(0, Math.round((Date.parse(context.reconnectAt) - context.now) / 1000)) : 0;
      const retry = `Trying again${seconds > 0 ? ` in ${seconds} s` : ' now'}`;
      // Never connected means the first attempt failed: not a blip to wait out, but usually no internet.
      if (context.everConnected === false) return `WhatsApp can’t be reached — check the internet connection. ${retry}.`;
      return `Connection lost. ${retry}; nothing to do unless this lasts.`;
    }
    case 'logged-out':
      return 'This account is not linked. Click "Link again" to show a new QR code.';
    case 'replaced':
      return 'WhatsApp Web or another console took over this account. Click "Reconnect" to take it back here.';
    case 'restricted':
      return 'WhatsApp has restricted this account. Check the WhatsApp app on the phone; the console will not retry on its own.';
  }
}
