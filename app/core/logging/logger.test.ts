import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

describe('logger', () => {
  it('never writes phone numbers, personal JIDs or message text', () => {
    const { logger, lines } = capture();
    logger.info({ phone: '919818861043', text: 'Workshop starts at 7', jid: '919818861043@s.whatsapp.net' }, 'sent');
    logger.warn('could not reach +91 98188-61043 (173087265951971@lid)');
    logger.error({ err: new Error('send to 919818861043@s.whatsapp.net failed') }, 'failure');
    const output = lines.join('\n');
    expect(output).not.toMatch(/98188/);
    expect(output).not.toMatch(/173087265951971/);
    expect(output).not.toContain('Workshop starts at 7');
    expect(output).toContain('[redacted]');
    expect(output).toContain('[jid]');
    expect(output).toContain('[phone]');
  });

  it('keeps what is needed to debug: group JIDs, message ids, counts and module names', () => {
    const { logger, lines } = capture();
    logger.child({ module: 'scheduler' }).info({ groupJid: '120363423158005005@g.us', messageId: '3EB0ABC', due: 3 }, 'tick');
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({ module: 'scheduler', messageId: '3EB0ABC', due: 3, level: 'info', msg: 'tick' });
    expect(entry.groupJid).toBe('120363423158005005@g.us');
  });
});
