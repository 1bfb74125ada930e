import { isLoopbackHost } from './loopback.js';

/**
 * Tests point the real WhatsApp accounts of a headless console at a WhatsApp-protocol server
 * on this machine through one environment variable, read only with --test-hooks. Only a
 * loopback ws:// address is accepted: the hook exists to keep real sessions off the real
 * WhatsApp, never to send them somewhere else.
 * Example: CONSOLE_WHATSAPP_SERVER='ws://127.0.0.1:40123/ws/chat'
 */
export function whatsAppServerFromEnv(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`CONSOLE_WHATSAPP_SERVER must be a ws:// address on this machine, not "${value}"`);
  }
  if (url.protocol !== 'ws:' || !isLoopbackHost(url.hostname))
    throw new Error(`CONSOLE_WHATSAPP_SERVER must be a ws:// address on this machine (127.0.0.1, ::1 or localhost), not "${value}"`);
  return url.href;
}
