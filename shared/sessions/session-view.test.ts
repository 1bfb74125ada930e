import { describe, expect, it } from 'vitest';
import { nextStepFor } from './session-view.js';

const now = Date.UTC(2026, 11, 1, 13, 30);
const in56s = new Date(now + 56_000).toISOString();

describe('the sentence under an account', () => {
  it('tells an account that never connected that WhatsApp cannot be reached, not that a connection was lost', () => {
    const said = nextStepFor('reconnecting', { pairingCode: null, reconnectAt: in56s, now, everConnected: false });
    expect(said).toBe('WhatsApp can’t be reached — check the internet connection. Trying again in 56 s.');
  });

  it('still calls a drop of a connected account a lost connection to wait out', () => {
    const said = nextStepFor('reconnecting', { pairingCode: null, reconnectAt: in56s, now, everConnected: true });
    expect(said).toBe('Connection lost. Trying again in 56 s; nothing to do unless this lasts.');
  });

  it('says the demo account links itself while it shows its code', () => {
    expect(nextStepFor('waiting-for-qr', { pairingCode: null, reconnectAt: null, now, demo: true })).toMatch(
      /^This is the demo account: it links itself in a few seconds.*No phone is needed\.$/,
    );
    expect(nextStepFor('waiting-for-qr', { pairingCode: null, reconnectAt: null, now })).toMatch(/point the camera at this code/);
  });
});
