import { describe, expect, it } from 'vitest';
import { needsAttention, nextStepFor, type SessionState, type SessionView } from '../../shared/sessions/session-view.js';
import { trayStatus } from './tray-status.js';

function session(label: string, state: SessionState): SessionView {
  return {
    id: `wa_${label}`,
    label,
    kind: 'baileys',
    state,
    reason: null,
    nextStep: nextStepFor(state, { pairingCode: null, reconnectAt: null, now: 0 }),
    phone: null,
    displayName: null,
    lastActiveAt: null,
    qr: null,
    pairingCode: null,
    reconnectAt: null,
    needsAttention: needsAttention(state),
  };
}

describe('tray status', () => {
  it('says connected only when every account is', () => {
    expect(trayStatus([session('Front desk', 'open')])).toMatchObject({ label: 'WhatsApp: connected', needsAttention: false });
    expect(trayStatus([session('Front desk', 'open'), session('Shop', 'reconnecting')])).toMatchObject({
      label: 'WhatsApp: reconnecting…',
    });
  });

  it('names the accounts that need attention', () => {
    const status = trayStatus([session('Front desk', 'open'), session('Shop', 'replaced'), session('Demo', 'logged-out')]);
    expect(status).toMatchObject({ needsAttention: true, label: 'WhatsApp: needs attention (Shop, Demo)' });
  });

  it('asks for a link when there is no account', () => {
    expect(trayStatus([])).toMatchObject({ label: 'WhatsApp: not linked', needsAttention: true });
  });
});
