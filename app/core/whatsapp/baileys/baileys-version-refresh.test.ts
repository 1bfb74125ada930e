import { expect, it } from 'vitest';
import { linkByQr, waitFor } from '../../../../tests/support/whatsapp-server/real-console.js';
import { useServerTestBed } from '../../../../tests/support/whatsapp-server/server-test-bed.js';

const bed = useServerTestBed();

it('asks for the current WhatsApp Web version again after WhatsApp refuses the one in use (405), and only then', async () => {
  const offered: number[] = [];
  const console = bed.start({
    fetchVersion: async () => {
      offered.push(1_030_000_000 + offered.length);
      return [2, 3000, offered.at(-1)!];
    },
  });
  await linkByQr(console, bed.server);
  const loggedIn = () => bed.server.connections.filter((connection) => connection.loggedIn).length;
  const fetchedAtLink = offered.length;

  // Any other drop reconnects with the version already known.
  const before503 = loggedIn();
  bed.server.streamError('503');
  await waitFor(() => loggedIn() > before503 && bed.server.live, 'the reconnect after a 503');
  expect(offered).toHaveLength(fetchedAtLink);

  const before405 = loggedIn();
  bed.server.streamError('405');
  const live = await waitFor(() => loggedIn() > before405 && bed.server.live, 'the reconnect after a 405');
  expect(offered).toHaveLength(fetchedAtLink + 1);
  // The new socket presents the version just fetched.
  expect(live.payload?.userAgent?.appVersion?.tertiary).toBe(offered.at(-1));
});
