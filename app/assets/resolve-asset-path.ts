import { isAbsolute, join, normalize, relative, sep } from 'node:path';

/**
 * Maps a URL path onto a file inside `root`, or null when it would leave `root`.
 * Used by the `app://` protocol in Electron and by the headless server, so both refuse
 * `..`, encoded traversal, absolute paths and NUL bytes the same way.
 */
export function resolveAssetPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split(/[?#]/, 1)[0] ?? '');
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relativePath = decoded === '' || decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (isAbsolute(relativePath)) return null;
  const candidate = normalize(join(root, relativePath));
  const fromRoot = relative(root, candidate);
  if (fromRoot === '' || fromRoot.startsWith('..') || isAbsolute(fromRoot) || fromRoot.split(sep).includes('..')) return null;
  return candidate;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeFor(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 && contentTypes[path.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

/**
 * One policy for both shells: nothing but our own files, no inline script, no remote
 * content; `connect-src 'self'` also covers the headless WebSocket on the same origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
