import type { Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../shared/contract/result.js';
import { IPC_INVOKE_CHANNEL } from '../../shared/contract/ipc-channels.js';
import { APP_ORIGIN, isOwnUrl, isTrustedSender, originOf } from './app-origin.js';
import { isPermissionGranted, restrictPermissions } from './permissions.js';
import { isAllowedExternalUrl } from './external-links.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { mainWindowOptions, secureWebPreferences } from './window-options.js';

describe('window options', () => {
  it('sets every flag of the security baseline', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs', true);
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(prefs.preload).toMatch(/\.cjs$/);
  });

  it('keeps DevTools for development builds only', () => {
    expect(secureWebPreferences('/p.cjs', false).devTools).toBe(true);
    expect(mainWindowOptions('/p.cjs', true, '/icon.png').webPreferences?.devTools).toBe(false);
  });

  it('opens hidden and shows when ready, so no blank white flash', () => {
    expect(mainWindowOptions('/p.cjs', true, '/icon.png').show).toBe(false);
  });
});

describe('sender check', () => {
  it('trusts only the app origin in the top frame', () => {
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: null })).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///etc/passwd', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'app://other/index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'not a url', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });

  it('trusts the Vite dev server only when one is configured', () => {
    const frame = { url: 'http://localhost:5173/', parent: null };
    expect(isTrustedSender(frame)).toBe(false);
    expect(isTrustedSender(frame, 'http://localhost:5173')).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5174/', parent: null }, 'http://localhost:5173')).toBe(false);
  });
});

describe('external links', () => {
  it.each(['https://chat.whatsapp.com/AbC123', 'mailto:help@example.org'])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true);
  });
  it.each([
    'http://example.org',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://host/share',
    'https://user:pw@example.org',
    'nonsense',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});

describe('IPC handlers', () => {
  function fakeIpcMain() {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
    return {
      handlers,
      handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => void handlers.set(channel, handler),
      removeHandler: (channel: string) => void handlers.delete(channel),
    };
  }

  it('registers one channel that forwards trusted calls to the core', async () => {
    const ipc = fakeIpcMain();
    const calls: unknown[] = [];
    const core = { invoke: async (method: unknown, input: unknown) => (calls.push([method, input]), ok('pong')) };
    const unregister = registerIpcHandlers(ipc as never, core, () => true);
    expect([...ipc.handlers.keys()]).toEqual([IPC_INVOKE_CHANNEL]);
    const result = await ipc.handlers.get(IPC_INVOKE_CHANNEL)?.({}, 'app:info', {});
    expect(result).toEqual(ok('pong'));
    expect(calls).toEqual([['app:info', {}]]);
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('refuses calls from an untrusted sender without reaching the core', async () => {
    const ipc = fakeIpcMain();
    let reached = false;
    registerIpcHandlers(ipc as never, { invoke: async () => ((reached = true), ok(null)) }, () => false);
    const result = await ipc.handlers.get(IPC_INVOKE_CHANNEL)?.({}, 'settings:set', { theme: 'dark' });
    expect(result).toEqual(fail('forbidden', 'This window is not allowed to operate the console.'));
    expect(reached).toBe(false);
  });
});

describe('own URLs (navigation allowlist)', () => {
  it('accepts the app scheme even though Node gives it an opaque origin', () => {
    expect(isOwnUrl('app://console/index.html')).toBe(true);
    expect(isOwnUrl('app://console.evil.example/')).toBe(false);
    expect(isOwnUrl('https://console/')).toBe(false);
  });
});

describe('permissions', () => {
  type RequestHandler = Parameters<Session['setPermissionRequestHandler']>[0] & object;
  type CheckHandler = Parameters<Session['setPermissionCheckHandler']>[0] & object;
  function restricted(devServerUrl?: string) {
    const handlers: { request?: RequestHandler; check?: CheckHandler; device?: unknown } = {};
    const session = {
      setPermissionRequestHandler: (handler: RequestHandler) => void (handlers.request = handler),
      setPermissionCheckHandler: (handler: CheckHandler) => void (handlers.check = handler),
      setDevicePermissionHandler: (handler: unknown) => void (handlers.device = handler),
    };
    restrictPermissions(session as unknown as Session, (url) => isOwnUrl(url, devServerUrl));
    const request = (permission: Parameters<RequestHandler>[1], requestingUrl: string) => {
      let granted: boolean | undefined;
      handlers.request?.({} as never, permission, (answer) => (granted = answer), { requestingUrl } as never);
      return granted;
    };
    const check = (permission: Parameters<CheckHandler>[1], requestingUrl: string) =>
      handlers.check?.(null, permission, originOf(requestingUrl) ?? '', { requestingUrl } as never);
    return { request, check };
  }

  it('lets our own page write to the clipboard, so the invite link’s Copy button works', () => {
    const { request, check } = restricted();
    expect(request('clipboard-sanitized-write', `${APP_ORIGIN}/index.html`)).toBe(true);
    expect(check('clipboard-sanitized-write', `${APP_ORIGIN}/index.html`)).toBe(true);
  });

  it('denies every other permission, and clipboard writes from any other page', () => {
    const { request, check } = restricted();
    for (const permission of ['clipboard-read', 'notifications', 'media', 'geolocation', 'openExternal'] as const) {
      expect(request(permission, `${APP_ORIGIN}/index.html`)).toBe(false);
      expect(check(permission, `${APP_ORIGIN}/index.html`)).toBe(false);
    }
    expect(request('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(check('clipboard-sanitized-write', 'http://localhost:5173/')).toBe(false);
    expect(
      isPermissionGranted('clipboard-sanitized-write', 'http://localhost:5173/', (url) => isOwnUrl(url, 'http://localhost:5173')),
    ).toBe(true);
  });
});
