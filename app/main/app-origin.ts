/** Packaged builds load the UI from this custom scheme instead of file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Node's URL gives every non-special scheme (such as app:) the opaque origin "null", so
 * origins are compared as scheme plus host instead of through `URL.origin`.
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

/**
 * Only the app's own top frame may call the core: not an iframe, not a page that somehow
 * got navigated elsewhere. In development the Vite server's origin counts as our own.
 */
export function isTrustedSender(frame: { url: string; parent: unknown } | null, devServerUrl?: string): boolean {
  if (!frame || frame.parent !== null) return false;
  return isOwnUrl(frame.url, devServerUrl);
}

/** Our UI's own pages: the app scheme, and the Vite dev server while developing. */
export function isOwnUrl(url: string, devServerUrl?: string): boolean {
  const origin = originOf(url);
  if (origin === null) return false;
  return origin === APP_ORIGIN || (devServerUrl !== undefined && origin === originOf(devServerUrl));
}
