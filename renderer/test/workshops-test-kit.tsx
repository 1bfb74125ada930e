/**
 * Shared by the Workshops tests only: a real core on a temporary folder (with the demo
 * WhatsApp account when asked), the console rendered against it, and the two pieces of
 * browser layout jsdom lacks.
 */
import { render } from '@testing-library/react';
import { App } from '../src/app/App.js';
import { ConsoleProvider } from '../src/app/console-context.js';
import { createApiClient } from '../src/api/api-client.js';
import { createConsoleStore } from '../src/stores/console.store.js';
import { createCore, type Core } from '../../app/core/composition-root.js';
import { createSilentLogger } from '../../app/core/logging/logger.js';
import type { SimulatedTransport } from '../../app/core/whatsapp/simulator/simulated-transport.js';
import { createTransportFactory } from '../../app/core/whatsapp/transport-factory.js';
import { createInProcessTransport } from '../../tests/support/in-process-transport.js';
import { makeTempDir } from '../../tests/support/temp-dir.js';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/api-contract.js';
import { call as callCore } from '../../tests/support/console-call.js';

export interface TestConsole {
  core: Core;
  /** The demo account's "WhatsApp server", to make people join and leave. */
  demo(): SimulatedTransport;
  /** Every method the UI called, in order. */
  calls: string[];
  stop(): Promise<void>;
}

export function startCore(): TestConsole {
  const dir = makeTempDir();
  const factory = createTransportFactory({ simulator: { scanDelayMs: 0, churnIntervalMs: null, ackDelayMs: 0 } });
  let demo: SimulatedTransport | null = null;
  const core = createCore({
    shell: 'headless',
    dataDir: dir.path,
    appVersion: '0.0.1',
    logger: createSilentLogger(),
    validateOutputs: true,
    whatsApp: { create: (kind, context) => (demo = factory.create(kind, context) as SimulatedTransport) },
  });
  core.start();
  return {
    core,
    calls: [],
    demo: () => {
      if (!demo) throw new Error('No demo session was created');
      return demo;
    },
    async stop() {
      await core.stop();
      dir.remove();
    },
  };
}

/** Calls the core directly, as another window would, and unwraps the value. */
export function call<M extends MethodName>(core: Core, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return callCore(core, method, input);
}

/** The console as a user sees it, opened on the Workshops section. */
export function renderWorkshops(test: TestConsole) {
  const transport = createInProcessTransport(test.core);
  const counted = {
    ...transport,
    get status() {
      return transport.status;
    },
    invoke: (method: string, input: unknown) => {
      test.calls.push(method);
      return transport.invoke(method, input);
    },
  };
  const api = createApiClient(counted);
  const store = createConsoleStore(api, counted);
  store.getState().navigate('workshops');
  return render(
    <ConsoleProvider api={api} store={store}>
      <App />
    </ConsoleProvider>,
  );
}

/** Links the demo account and waits until it is connected, with real (short) timers. */
export async function connectDemo(core: Core): Promise<string> {
  const session = await call(core, 'sessions:create', { kind: 'simulator' });
  await new Promise<void>((resolve) => {
    if (core.sessions.view(session.id).state === 'open') return resolve();
    const stop = core.subscribe((event, payload) => {
      if (
        event === 'sessions:changed' &&
        (payload as { id: string; state: string }).id === session.id &&
        (payload as { state: string }).state === 'open'
      ) {
        stop();
        resolve();
      }
    });
  });
  return session.id;
}

/**
 * jsdom does no layout, so a scroll container is 0 px tall and a virtualised table shows
 * no rows. Giving table bodies the height CSS gives them lets the real virtualiser run.
 */
export function giveTablesLayout(): () => void {
  const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('vtable__body') ? 480 : 0;
    },
  });
  return () => {
    if (original) Object.defineProperty(HTMLElement.prototype, 'clientHeight', original);
  };
}

function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

/** jsdom has no Blob URLs: record what a download would have saved. */
export function captureDownloads(): { files: { name: string; text: () => Promise<string> }[]; restore(): void } {
  const files: { name: string; text: () => Promise<string> }[] = [];
  const blobs = new Map<string, Blob>();
  const create = URL.createObjectURL;
  const revoke = URL.revokeObjectURL;
  const click = HTMLAnchorElement.prototype.click;
  URL.createObjectURL = (blob: Blob) => {
    const url = `blob:test/${blobs.size}`;
    blobs.set(url, blob);
    return url;
  };
  URL.revokeObjectURL = () => undefined;
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    const blob = blobs.get(this.href);
    if (blob) files.push({ name: this.download, text: () => readBlob(blob) });
  };
  return {
    files,
    restore() {
      URL.createObjectURL = create;
      URL.revokeObjectURL = revoke;
      HTMLAnchorElement.prototype.click = click;
    },
  };
}
