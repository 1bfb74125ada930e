import type { SessionView } from '../../shared/sessions/session-view.js';

export interface TrayStatus {
  tooltip: string;
  /** The first, disabled line of the tray menu. */
  label: string;
  needsAttention: boolean;
}

/** What the tray says about WhatsApp: connected, or that something needs the user. */
export function trayStatus(sessions: readonly SessionView[]): TrayStatus {
  const attention = sessions.filter((session) => session.needsAttention);
  const open = sessions.filter((session) => session.state === 'open');
  if (sessions.length === 0) {
    return { tooltip: 'WhatsApp Operator Console — no WhatsApp account linked', label: 'WhatsApp: not linked', needsAttention: true };
  }
  if (attention.length > 0) {
    const names = attention.map((session) => session.label).join(', ');
    return {
      tooltip: `WhatsApp Operator Console — needs attention: ${names}`,
      label: `WhatsApp: needs attention (${names})`,
      needsAttention: true,
    };
  }
  if (open.length === sessions.length) {
    return { tooltip: 'WhatsApp Operator Console — connected', label: 'WhatsApp: connected', needsAttention: false };
  }
  return { tooltip: 'WhatsApp Operator Console — reconnecting…', label: 'WhatsApp: reconnecting…', needsAttention: false };
}
