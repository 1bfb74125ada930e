export type DecodedCsv = { ok: true; text: string; note: string | null } | { ok: false; reason: string };

/** Control characters that never appear in a text CSV (tab, line feed, carriage return and escape aside). */
function hasBinary(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c && code !== 0x1b) return true;
  }
  return false;
}

/**
 * Reads a CSV's bytes the way the coordinator's spreadsheet wrote them: UTF-8 (with or
 * without a BOM), UTF-16 with its BOM, or Excel's "CSV (Comma delimited)", which is
 * Windows-1252. Anything with binary bytes (a program, an image, a zipped .xlsx) is refused
 * with the reason instead of filling the column menus with garbage.
 */
export function decodeCsv(bytes: Uint8Array): DecodedCsv {
  if (bytes.length === 0) return { ok: false, reason: 'The file is empty.' };
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    return {
      ok: false,
      reason:
        'This is an Excel workbook or another zipped file, not a CSV. In Excel, choose File → Save As → “CSV UTF-8”, then import that.',
    };
  }
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) return checked(new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes), null);
  try {
    return checked(new TextDecoder('utf-8', { fatal: true }).decode(bytes), null);
  } catch {
    // Not valid UTF-8: the usual culprit is Excel's Windows-1252, where every byte is a character.
    return checked(
      new TextDecoder('windows-1252').decode(bytes),
      'This file is not UTF-8; it was read as Windows-1252, the encoding Excel uses for “CSV (Comma delimited)”. Check that names with accents look right below.',
    );
  }
}

function checked(text: string, note: string | null): DecodedCsv {
  if (hasBinary(text.slice(0, 65_536))) {
    return {
      ok: false,
      reason:
        'This does not look like a text CSV: it contains binary data. Export the list from your spreadsheet as CSV and import that file.',
    };
  }
  return { ok: true, text: text.replace(/^\uFEFF/, ''), note };
}
