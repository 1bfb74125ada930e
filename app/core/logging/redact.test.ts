import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scrubText } from './redact.js';

describe('log redaction', () => {
  it('keeps session, workshop and message ids whole, however many digits they hold', () => {
    // Lines as the console writes them; these ids each hold a digit run that looks like a phone.
    const lines = [
      'connection closed sessionId=wa_77d60b80-fe00-4859-b75c-281974714868 reason=network',
      'session wa_b5a23357-e059-4833-9e3c-a3ba631e9e49 reconnecting in 4 s',
      'opened wa_9ac3e1f2-6269-4162-a85f-fb5f8c0d7821 after 3 tries',
      'reminder 6f1c2d3e-1234-4567-8901-234567890abc of workshop 0b7e9a52-5590-4c7e-8e31-2209471833a0 is due',
      'sent 3EB0A1B2C3D4E5F6071809 to 120363423158005005@g.us',
      'synced at 2026-12-01T13:40:00.000Z, next at 2026-12-03 19:00',
    ];
    for (const line of lines) expect(scrubText(line)).toBe(line);
    // Any session id the console makes, not just these.
    for (let i = 0; i < 500; i++) {
      const line = `connection closed sessionId=wa_${randomUUID()}`;
      expect(scrubText(line)).toBe(line);
    }
  });

  it('still replaces phone numbers written the ways people and WhatsApp write them', () => {
    expect(scrubText('lookup failed for 919818861043')).toBe('lookup failed for [phone]');
    expect(scrubText('could not reach +91 98188-61043.')).toBe('could not reach [phone].');
    expect(scrubText('row 4: 098188 61043 is a duplicate')).toBe('row 4: [phone] is a duplicate');
    expect(scrubText('(+91) 98765-43215, +1 555 010 0001, +44 20 7946 0958')).toBe('(+91) [phone], [phone], [phone]');
    expect(scrubText('"phone":"+919876543210"')).toBe('"phone":"[phone]"');
    expect(scrubText('to 919818861043@s.whatsapp.net and 173087265951971@lid')).toBe('to [jid] and [jid]');
  });
});
