import type { Clock } from '../../app/core/clock/clock.js';
import { createCore, type Core, type CoreDependencies } from '../../app/core/composition-root.js';
import { createSilentLogger } from '../../app/core/logging/logger.js';

/**
 * A headless core as the core tests build it: silent logs, every result checked against
 * the contract, and the data folder, clock, randomness and WhatsApp the test gives. Not
 * started: a test subscribes first when it wants the events of start-up.
 */
export function createTestCore(options: { dataDir: string; clock: Clock } & Pick<CoreDependencies, 'whatsApp' | 'random' | 'sync'>): Core {
  return createCore({ shell: 'headless', appVersion: '0', logger: createSilentLogger(), validateOutputs: true, ...options });
}
