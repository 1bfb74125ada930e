import { describe, expect, it } from 'vitest';
import { whatsAppServerFromEnv } from './whatsapp-server-env.js';

describe('the test hook that points real accounts at a local WhatsApp server', () => {
  it('accepts a ws:// address on this machine', () => {
    expect(whatsAppServerFromEnv('ws://127.0.0.1:40123/ws/chat')).toBe('ws://127.0.0.1:40123/ws/chat');
    expect(whatsAppServerFromEnv(undefined)).toBeUndefined();
  });

  it('refuses any other address in plain words, so real sessions are never sent elsewhere', () => {
    expect(() => whatsAppServerFromEnv('wss://web.whatsapp.com/ws/chat')).toThrow(/must be a ws:\/\/ address on this machine/);
    expect(() => whatsAppServerFromEnv('ws://10.0.0.5:4000/ws/chat')).toThrow(/must be a ws:\/\/ address on this machine/);
    expect(() => whatsAppServerFromEnv('not a url')).toThrow(/must be a ws:\/\/ address on this machine, not "not a url"/);
  });
});
