import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../api/api-client.js';
import { localTimeInDays } from '../../../../shared/time/local-date-time.js';
import { createInProcessTransport } from '../../../../tests/support/in-process-transport.js';
import { call, startCore } from '../../../test/workshops-test-kit.js';
import { consoleForEachTest } from '../../../test/console-for-each-test.js';
import { claimTabOpening, openMemberTab, WINDOW_STEP } from './member-tab-opening.js';

const test = consoleForEachTest(startCore);
const firstWindow = { tab: 'missing' as const, search: '', sort: null, offset: 0, limit: WINDOW_STEP * 3 };

async function workshopWith(names: string[]) {
  const workshop = await call(test.core, 'workshops:create', {
    name: 'Design Sprint',
    startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
    timeZone: 'Asia/Kolkata',
    durationMinutes: 120,
  });
  await importLeads(workshop.id, names);
  return workshop.id;
}

async function importLeads(workshopId: string, names: string[]) {
  const csv = ['Name,Phone', ...names.map((name, i) => `${name},91${7_000_000_000 + names.length * 10 + i}`)].join('\n');
  await call(test.core, 'leads:import', { workshopId, csv, mapping: { name: 'Name', phone: 'Phone', email: null } });
}

describe('a member tab’s first window asked for in the click', () => {
  it('is handed to the table once, for the first window only, and holds what a read made then holds', async () => {
    const id = await workshopWith(['Asha', 'Bilal', 'Chen']);
    const api = createApiClient(createInProcessTransport(test.core));
    openMemberTab(api, id, 'missing');
    const opening = claimTabOpening(api, id, 'missing')!;
    expect(claimTabOpening(api, id, 'missing')).toBeUndefined();
    expect(opening.take({ ...firstWindow, search: 'Asha' })).toBeUndefined();
    const handed = await opening.take(firstWindow);
    expect(opening.take(firstWindow)).toBeUndefined();
    const direct = await call(test.core, 'workshops:members-window', { id, ...firstWindow });
    expect(handed).toEqual({ ok: true, value: direct });
    expect(direct.rows.map((row) => row.name)).toEqual(['Asha', 'Bilal', 'Chen']);
  });

  it('is not handed over when the workshop changed before the table listened, so the table reads the change', async () => {
    const id = await workshopWith(['Asha', 'Bilal']);
    const api = createApiClient(createInProcessTransport(test.core));
    const changed = new Promise<void>((resolve) => api.on('workshops:changed', (payload) => payload.id === id && resolve()));
    openMemberTab(api, id, 'missing');
    await importLeads(id, ['Dana']);
    await changed;
    expect(claimTabOpening(api, id, 'missing')!.take(firstWindow)).toBeUndefined();
  });
});
