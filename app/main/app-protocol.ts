import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { CONTENT_SECURITY_POLICY, contentTypeFor, resolveAssetPath } from '../assets/resolve-asset-path.js';
import { APP_HOST } from './app-origin.js';

/** Serves the built renderer from `app://console/…`, refusing anything outside it. */
export function handleAppProtocol(protocol: Protocol, scheme: string, rendererDir: string): void {
  protocol.handle(scheme, async (request) => {
    const url = new URL(request.url);
    const path = url.host === APP_HOST ? resolveAssetPath(rendererDir, url.pathname) : null;
    if (!path) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(path);
      return new Response(body, {
        headers: {
          'Content-Type': contentTypeFor(path),
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
