/**
 * Shared by the Messages tests: a real core on a temporary folder with the demo account,
 * restartable on the same folder (for the crash-safety flow), and the console rendered
 * against it on any page.
 */
import { fireEvent, render, screen, within } from '@testing-library/react';
import { createCore, type Core } from '../../app/core/composition-root.js';
import { createSilentLogger } from '../../app/core/logging/logger.js';
import type { SimulatedTransport, SimulatorOptions } from '../../app/core/whatsapp/simulator/simulated-transport.js';
import { createTransportFactory } from '../../app/core/whatsapp/transport-factory.js';
import type { Workshop } from '../../shared/workshops/workshop-schemas.js';
import { createInProcessTransport } from '../../tests/support/in-process-transport.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { makeTempDir } from '../../tests/support/temp-dir.js';
import { createApiClient } from '../src/api/api-client.js';
import { App } from '../src/app/App.js';
import { ConsoleProvider } from '../src/app/console-context.js';
import { createConsoleStore, type Page } from '../src/stores/console.store.js';
import { call, connectDemo } from './workshops-test-kit.js';

export { call, captureDownloads, connectDemo, giveTablesLayout } from './workshops-test-kit.js';

export interface MessagesConsole {
  core: Core;
  demo(): SimulatedTransport;
  /** Stops the core mid-send (a clean stop; the SIGKILL case is tests/e2e/crash-safety.test.ts) and builds a new one on the same folder, not started yet. */
  restart(simulator?: Partial<SimulatorOptions>): Promise<Core>;
  stop(): Promise<void>;
}

export function startConsole(simulator: Partial<SimulatorOptions> = {}): MessagesConsole {
  const dir = makeTempDir();
  let demo: SimulatedTransport | null = null;
  const build = (options: Partial<SimulatorOptions>) => {
    const factory = createTransportFactory({ simulator: { scanDelayMs: 0, churnIntervalMs: null, ackDelayMs: 0, ...options } });
    return createCore({
      shell: 'headless',
      dataDir: dir.path,
      appVersion: '0.0.1',
      logger: createSilentLogger(),
      validateOutputs: true,
      // The shortest pacing between two sends on one account (2 s), so tests wait less.
      random: () => 0,
      whatsApp: { create: (kind, context) => (demo = factory.create(kind, context) as SimulatedTransport) },
    });
  };
  const harness: MessagesConsole = {
    core: build(simulator),
    demo: () => {
      if (!demo) throw new Error('No demo session was created');
      return demo;
    },
    async restart(options = {}) {
      await harness.core.stop();
      demo = null;
      harness.core = build(options);
      return harness.core;
    },
    async stop() {
      await harness.core.stop();
      dir.remove();
    },
  };
  harness.core.start();
  return harness;
}

/** The console as a user sees it, opened on `page`. */
export function renderConsole(core: Core, page: Page) {
  const transport = createInProcessTransport(core);
  const api = createApiClient(transport);
  const store = createConsoleStore(api, transport);
  store.getState().navigate(page);
  return {
    ...render(
      <ConsoleProvider api={api} store={store}>
        <App />
      </ConsoleProvider>,
    ),
    store,
    transport,
  };
}

/** Resolves once the demo session reports "open" (after a restart it reconnects by itself). */
export function sessionOpen(core: Core, sessionId: string): Promise<void> {
  return new Promise<void>((resolve) => {
    if (core.sessions.view(sessionId).state === 'open') return resolve();
    const stop = core.subscribe((event, payload) => {
      if (
        event === 'sessions:changed' &&
        (payload as { id: string; state: string }).id === sessionId &&
        (payload as { state: string }).state === 'open'
      ) {
        stop();
        resolve();
      }
    });
  });
}

export const ZONE = 'Asia/Kolkata';

/** A workshop two days ahead at 18:30 in Kolkata, linked to the demo account's first group: five pending reminders. */
export async function linkedWorkshop(core: Core, name: string, sessionId?: string): Promise<Workshop> {
  const session = sessionId ?? (await connectDemo(core));
  const startsAtLocal = localTimeInDays(2, '18:30', ZONE);
  const workshop = await call(core, 'workshops:create', {
    name,
    startsAtLocal,
    timeZone: ZONE,
    durationMinutes: 90,
    joinLink: 'https://example.org/live',
  });
  const [group] = await call(core, 'groups:sync', { sessionId: session });
  return call(core, 'workshops:link-group', { id: workshop.id, sessionId: session, groupJid: group!.jid });
}

/** Opens a workshop from the list and selects its WhatsApp tab. */
export async function openWhatsAppTab(name: string): Promise<void> {
  fireEvent.click(await screen.findByRole('button', { name }));
  await screen.findByRole('heading', { name, level: 1 });
  fireEvent.click(screen.getByRole('tab', { name: 'WhatsApp' }));
}

/** The row of a queue table whose text matches, e.g. the "1 hour before" reminder. */
export function rowOf(tableName: string, text: string | RegExp): HTMLElement {
  const rows = within(screen.getByRole('table', { name: tableName }))
    .getAllByRole('row')
    .slice(1);
  const row = rows.find((candidate) =>
    typeof text === 'string' ? candidate.textContent?.includes(text) : text.test(candidate.textContent ?? ''),
  );
  if (!row) throw new Error(`No row with ${String(text)} in ${tableName}: ${rows.map((candidate) => candidate.textContent).join(' | ')}`);
  return row;
}
