import { describe, expect, it } from 'vitest';
import { MediaInputSchema } from './message-schemas.js';
import { MEDIA_LIMIT_BYTES, base64DecodedBytes, mediaSizeProblem } from './media-limits.js';

const MB = 1024 * 1024;

describe('attachment limits by kind', () => {
  it.each([
    { fileName: 'stage.jpg', mimetype: 'image/jpeg', bytes: 5 * MB, problem: null },
    {
      fileName: 'stage.jpg',
      mimetype: 'image/jpeg',
      bytes: 5 * MB + 1,
      problem: '“stage.jpg” is 5.0 MB; WhatsApp takes photos up to 5 MB.',
    },
    {
      fileName: 'seating.png',
      mimetype: 'IMAGE/PNG',
      bytes: 6 * MB,
      problem: '“seating.png” is 6.0 MB; WhatsApp takes photos up to 5 MB.',
    },
    { fileName: 'deck.pdf', mimetype: 'application/pdf', bytes: 100 * MB, problem: null },
    {
      fileName: 'deck.pdf',
      mimetype: 'application/pdf',
      bytes: 100 * MB + 1,
      problem: '“deck.pdf” is 100.0 MB; WhatsApp takes documents up to 100 MB.',
    },
    {
      fileName: 'deck.pdf',
      mimetype: 'application/pdf',
      bytes: 120 * MB,
      problem: '“deck.pdf” is 120.0 MB; WhatsApp takes documents up to 100 MB.',
    },
    { fileName: 'recording.mp4', mimetype: 'video/mp4', bytes: 20 * MB, problem: null },
  ])('$fileName ($mimetype) of $bytes bytes: $problem', ({ problem, ...file }) => {
    expect(mediaSizeProblem(file)).toBe(problem);
  });

  it('counts the bytes a base64 text decodes to, padding included', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 1000]) {
      const base64 = Buffer.alloc(length, 7).toString('base64');
      expect(base64DecodedBytes(base64), String(length)).toBe(length);
    }
  });

  it('the contract refuses a photo one byte over its limit with the plain-words reason, and takes a 20 MB document', () => {
    const photo = Buffer.alloc(MEDIA_LIMIT_BYTES.image + 1).toString('base64');
    const refused = MediaInputSchema.safeParse({ base64: photo, mimetype: 'image/jpeg', fileName: 'stage.jpg' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.message)).toEqual(['“stage.jpg” is 5.0 MB; WhatsApp takes photos up to 5 MB.']);

    const deck = Buffer.alloc(20 * MB).toString('base64');
    expect(MediaInputSchema.safeParse({ base64: deck, mimetype: 'application/pdf', fileName: 'deck.pdf' }).success).toBe(true);
  });
});
