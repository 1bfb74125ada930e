import { afterAll, beforeAll } from 'vitest';
import { startSyncWorld, type SyncWorld } from './sync-world.js';

/**
 * One sync world for the tests of a file: started before the first, stopped after the last.
 * `use` is handed it once started, so the file keeps its own `world` variable.
 */
export function syncWorldForTheseTests(use: (world: SyncWorld) => void, ...options: Parameters<typeof startSyncWorld>): void {
  let world: SyncWorld | undefined;
  beforeAll(async () => {
    world = await startSyncWorld(...options);
    use(world);
  });
  afterAll(async () => {
    await world?.stop();
  });
}
