import { describe, expect, it } from 'vitest';
import { decodeCsv } from './decode-csv.js';

const bytes = (...values: number[]) => new Uint8Array(values);
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('reading a CSV file’s bytes', () => {
  it('reads Excel’s Windows-1252 “CSV (Comma delimited)” right and says it did', () => {
    // "Name,Phone\r\nJosé Müller,9811122233" as Windows-1252: é = 0xE9, ü = 0xFC.
    const latin = bytes(...utf8('Name,Phone\r\nJos'), 0xe9, ...utf8(' M'), 0xfc, ...utf8('ller,9811122233'));
    const decoded = decodeCsv(latin);
    expect(decoded).toMatchObject({ ok: true, text: 'Name,Phone\r\nJosé Müller,9811122233' });
    expect(decoded.ok && decoded.note).toMatch(/read as Windows-1252/);
  });

  it('reads UTF-8 with or without a BOM, and UTF-16 with its BOM, without a note', () => {
    expect(decodeCsv(utf8('\uFEFFName\nZoë Ağaoğlu'))).toEqual({ ok: true, text: 'Name\nZoë Ağaoğlu', note: null });
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...'Name\nZoë'].flatMap((char) => [char.charCodeAt(0) & 0xff, char.charCodeAt(0) >> 8])]);
    expect(decodeCsv(utf16)).toEqual({ ok: true, text: 'Name\nZoë', note: null });
  });

  it('refuses a binary file, an Excel workbook and an empty file with the reason', () => {
    const elf = bytes(0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00);
    expect(decodeCsv(elf)).toMatchObject({ ok: false, reason: expect.stringContaining('does not look like a text CSV') });
    expect(decodeCsv(bytes(0x50, 0x4b, 0x03, 0x04))).toMatchObject({ ok: false, reason: expect.stringContaining('Excel workbook') });
    expect(decodeCsv(bytes())).toEqual({ ok: false, reason: 'The file is empty.' });
  });
});
