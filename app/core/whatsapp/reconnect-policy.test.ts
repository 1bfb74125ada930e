import { describe, expect, it } from 'vitest';
import { actionForClose, MAX_DELAY_MS, reconnectDelay } from './reconnect-policy.js';

describe('reconnectDelay', () => {
  it('doubles from one second and never exceeds a minute', () => {
    expect([0, 1, 2, 3].map((attempt) => reconnectDelay(attempt, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(reconnectDelay(30, () => 1)).toBe(MAX_DELAY_MS);
  });

  it('spreads retries between half and the whole step', () => {
    expect(reconnectDelay(3, () => 0)).toBe(4_000);
    expect(reconnectDelay(3, () => 0.5)).toBe(6_000);
  });

  it('allows only a handful of attempts in the first minute, even with the shortest jitter', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < 60_000) {
      elapsed += reconnectDelay(attempts, () => 0);
      attempts++;
    }
    expect(attempts).toBeLessThanOrEqual(8);
  });
});

describe('actionForClose', () => {
  it('implements the close-code table', () => {
    expect(actionForClose('restart-required', false)).toEqual({ kind: 'reconnect-now' });
    expect(actionForClose('logged-out', false)).toMatchObject({ kind: 'stop', state: 'logged-out', wipeKeys: true });
    expect(actionForClose('restricted', false)).toMatchObject({ kind: 'stop', state: 'restricted', wipeKeys: false });
    expect(actionForClose('replaced', false)).toMatchObject({ kind: 'stop', state: 'replaced', wipeKeys: false });
    expect(actionForClose('version-refused', false)).toEqual({ kind: 'back-off' });
    expect(actionForClose('network', false)).toEqual({ kind: 'back-off' });
    expect(actionForClose('closed-by-us', false)).toBeNull();
  });

  it('stops showing QR codes once one expired unscanned', () => {
    expect(actionForClose('network', true)).toMatchObject({ kind: 'stop', state: 'logged-out', reason: expect.stringMatching(/expired/) });
  });
});
