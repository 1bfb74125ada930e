import type { Core } from '../../app/core/composition-root.js';
import type { SimulatedTransport } from '../../app/core/whatsapp/simulator/simulated-transport.js';
import { createTransportFactory } from '../../app/core/whatsapp/transport-factory.js';
import { call } from './console-call.js';
import type { FakeClock } from './fake-clock.js';
import { createTestCore } from './test-core.js';

/** Lets the core's queued promise callbacks and immediates run (the fake clock moves no real time). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

export interface DemoCore {
  core: Core;
  /** The demo account's "WhatsApp server", to make people join and leave. */
  demo: SimulatedTransport;
  sessionId: string;
}

/**
 * A started core on the fake clock whose demo account is linked and open: no scan delay,
 * no background churn, and the longest pacing between sends (`random` 1).
 */
export async function startDemoCore(dataDir: string, clock: FakeClock): Promise<DemoCore> {
  const factory = createTransportFactory({ simulator: { scanDelayMs: 0, churnIntervalMs: null, ackDelayMs: 0 } });
  const made: { demo?: SimulatedTransport } = {};
  const core = createTestCore({
    dataDir,
    clock,
    random: () => 1,
    whatsApp: { create: (kind, context) => (made.demo = factory.create(kind, context) as SimulatedTransport) },
  });
  core.start();
  const sessionId = (await call(core, 'sessions:create', { kind: 'simulator' })).id;
  clock.advance(0);
  await settle();
  clock.advance(200);
  await settle();
  const state = core.sessions.view(sessionId).state;
  if (state !== 'open' || !made.demo) throw new Error(`The demo account did not open on the fake clock (it is ${state})`);
  return { core, demo: made.demo, sessionId };
}
