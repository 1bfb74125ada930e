import type { SessionView } from '../../shared/sessions/session-view.js';
import type { GroupSummary } from '../../shared/workshops/workshop-schemas.js';
import type { connectConsole } from './console-client.js';
import { within } from './deadline.js';

type ConsoleClient = Awaited<ReturnType<typeof connectConsole>>;

/**
 * Links the demo account of a running console and returns one of its groups, the way a
 * coordinator starts: connect, wait until WhatsApp is open, sync the groups. Rejects after
 * `timeoutMs` instead of waiting forever for a session that never opens.
 */
export async function linkDemoGroup(
  api: ConsoleClient,
  subjectStart = 'Product Design',
  timeoutMs = 30_000,
): Promise<{ session: SessionView; group: GroupSummary }> {
  const opened = api.event('sessions:changed', (candidate) => candidate.state === 'open');
  const session = await api.call('sessions:create', { kind: 'simulator' });
  await within(opened, timeoutMs, 'the demo session opening');
  const groups = await api.call('groups:sync', { sessionId: session.id });
  const group = groups.find((candidate) => candidate.subject.startsWith(subjectStart));
  if (!group)
    throw new Error(`no demo group starting with "${subjectStart}" among ${groups.map((candidate) => candidate.subject).join(', ')}`);
  return { session, group };
}
