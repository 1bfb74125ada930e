const allowedProtocols = new Set(['https:', 'mailto:']);

/** Links the UI may hand to the operating system (the user's browser or mail client). */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (!allowedProtocols.has(parsed.protocol)) return false;
    return parsed.protocol === 'mailto:' || (parsed.hostname !== '' && parsed.username === '' && parsed.password === '');
  } catch {
    return false;
  }
}
