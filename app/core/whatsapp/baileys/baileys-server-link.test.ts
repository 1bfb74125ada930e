import { beforeEach, describe, expect, it } from 'vitest';
import { linkByQr, waitFor, waitOpen, type RealConsole } from '../../../../tests/support/whatsapp-server/real-console.js';
import { useServerTestBed } from '../../../../tests/support/whatsapp-server/server-test-bed.js';
import type { WhatsAppServer } from '../../../../tests/support/whatsapp-server/whatsapp-server.js';

const bed = useServerTestBed();
const start = () => bed.start();
const stop = (console: RealConsole) => bed.stop(console);
let server: WhatsAppServer;
beforeEach(() => {
  server = bed.server;
});

describe('linking a real account against the local WhatsApp server', () => {
  it('shows the QR the server issued, pairs when the phone scans it, takes the 515 and opens as the account', async () => {
    const console = start();
    const id = await linkByQr(console, server);
    const qrs = console.views.filter((view) => view.qr).map((view) => view.qr ?? '');
    expect(qrs[0]).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/);
    expect(server.issuedRefs).toContain(qrs[0]?.split('#')[1]?.split(',')[0]);
    expect(console.core.sessions.view(id)).toMatchObject({ state: 'open', phone: server.world.me.pn, qr: null });
    // The 515 after pairing is routine: the operator never sees "reconnecting".
    expect(console.views.filter((view) => view.id === id).map((view) => view.state)).not.toContain('reconnecting');
    expect(server.unanswered).toEqual([]);
  });

  it('reconnects after a console restart with the saved keys, without a QR', async () => {
    const first = start();
    const id = await linkByQr(first, server);
    await stop(first);
    const second = start();
    await waitOpen(second, id);
    expect(second.views.some((view) => view.qr)).toBe(false);
    expect(server.openCount).toBe(1);
  });

  it('stops and forgets the keys when the phone unlinks the console (401 device_removed)', async () => {
    const console = start();
    const id = await linkByQr(console, server);
    server.unlink();
    const view = await waitFor(
      () => console.views.find((candidate) => candidate.id === id && candidate.state === 'logged-out'),
      'logged-out',
    );
    expect(view.reason).toMatch(/unlinked/);
    await stop(console);
    // With the keys gone a restart does not try to log in with them.
    const sockets = server.connections.length;
    const again = start();
    expect(again.core.sessions.view(id).state).toBe('logged-out');
    expect(server.connections.length).toBe(sockets);
  });

  it('stops as "replaced" when the account logs in elsewhere (440) and does not fight for the session', async () => {
    const console = start();
    const id = await linkByQr(console, server);
    const before = server.connections.length;
    server.loginElsewhere();
    const view = await waitFor(() => console.views.find((candidate) => candidate.id === id && candidate.state === 'replaced'), 'replaced');
    expect(view.reason).toMatch(/Another client/);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(server.connections.length).toBe(before);
  });

  it('is refused with 401 when its saved noise key is unknown to the server, and says the phone unlinked it', async () => {
    const console = start();
    const id = await linkByQr(console, server);
    await stop(console);
    server.world.companion = null; // the phone removed the device while the console was off
    const again = start();
    const view = await waitFor(
      () => again.views.find((candidate) => candidate.id === id && candidate.state === 'logged-out'),
      'logged-out',
    );
    expect(view.reason).toMatch(/unlinked/);
  });
});
