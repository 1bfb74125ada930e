import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Workshop } from '../../../shared/workshops/workshop-schemas.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { createCore, type Core } from '../composition-root.js';
import { createSilentLogger } from '../logging/logger.js';
import { call } from '../../../tests/support/console-call.js';

let dir: ReturnType<typeof makeTempDir>;
let core: Core;
let workshop: Workshop;

beforeEach(async () => {
  dir = makeTempDir();
  core = createCore({
    shell: 'headless',
    dataDir: dir.path,
    appVersion: '0',
    clock: new FakeClock(),
    logger: createSilentLogger(),
    validateOutputs: true,
  });
  workshop = await call(core, 'workshops:create', {
    name: 'Design sprint',
    startsAtLocal: '2026-12-01T18:30',
    timeZone: 'Asia/Kolkata',
    durationMinutes: 90,
  });
});
afterEach(async () => {
  await core.stop();
  dir.remove();
});

const messy = [
  'Full Name,Mobile Number,E-mail',
  'Asha Rao,98188 61043,asha@example.org',
  'Asha R.,09818861043,',
  'Ravi Kumar,+91 98111-22233,ravi@example.org',
  '"Singh, Meera",919811122244,',
  'No Phone,,',
  'Bad Mail,9811122255,not-an-email',
  'Again Asha,+91 98188-61043,',
  'Zed,919818861043,',
].join('\n');

describe('importing leads from a CSV', () => {
  it('guesses the columns, reads every phone format as one person, and explains each bad row', async () => {
    const preview = await call(core, 'leads:import-preview', { workshopId: workshop.id, csv: messy });
    expect(preview.mapping).toEqual({ name: 'Full Name', phone: 'Mobile Number', email: 'E-mail' });
    expect(preview.rows.map((row) => [row.line, row.phone, row.duplicateOf])).toEqual([
      [2, '919818861043', null],
      [3, '919818861043', 2],
      [4, '919811122233', null],
      [5, '919811122244', null],
      [6, null, null],
      [7, '919811122255', null],
      [8, '919818861043', 2],
      [9, '919818861043', 2],
    ]);
    expect(preview.rows[4]?.error).toMatch(/No phone/);
    expect(preview.rows[5]?.error).toMatch(/not an email/);
    expect(preview).toMatchObject({ valid: 3, invalid: 2, duplicates: 3, alreadyRegistered: 0 });
  });

  it('imports nothing while rows have errors, unless told to skip them', async () => {
    const mapping = { name: 'Full Name', phone: 'Mobile Number', email: 'E-mail' };
    const refused = await core.invoke('leads:import', { workshopId: workshop.id, csv: messy, mapping });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/2 rows have errors \(lines 6, 7\).*Nothing was imported/) },
    });
    expect(await call(core, 'leads:list', { id: workshop.id })).toEqual([]);

    const outcome = await call(core, 'leads:import', { workshopId: workshop.id, csv: messy, mapping, skipInvalid: true });
    expect(outcome).toEqual({ added: 3, alreadyRegistered: 0, merged: 3, skipped: 2, importId: expect.stringMatching(/^imp_/) });
    const leads = await call(core, 'leads:list', { id: workshop.id });
    expect(leads.map((lead) => lead.phone).sort()).toEqual(['919811122233', '919811122244', '919818861043']);
    expect(leads.find((lead) => lead.phone === '919811122244')?.name).toBe('Singh, Meera');
    // Later lines for the same person keep the first name; they only fill what was empty.
    expect(leads.find((lead) => lead.phone === '919818861043')).toMatchObject({ name: 'Asha Rao', email: 'asha@example.org' });

    const again = await call(core, 'leads:import', { workshopId: workshop.id, csv: messy, mapping, skipInvalid: true });
    expect(again).toMatchObject({ added: 0, alreadyRegistered: 3 });
    expect((await call(core, 'workshops:get', { id: workshop.id })).stats).toMatchObject({
      registered: 3,
      missing: 3,
      inGroup: 0,
    });
  });

  it('reads numbers in the organisation’s country', async () => {
    await core.invoke('settings:set', { defaultCountry: 'UG' });
    const preview = await call(core, 'leads:import-preview', { workshopId: workshop.id, csv: 'name,phone\nOkello,0772 123456\n' });
    expect(preview.rows[0]?.phone).toBe('256772123456');
  });

  it('refuses files it cannot use, saying why', async () => {
    expect(await core.invoke('leads:import-preview', { workshopId: workshop.id, csv: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    const noPhone = await call(core, 'leads:import-preview', { workshopId: workshop.id, csv: 'first,last\nA,B\n' });
    expect(noPhone).toMatchObject({ headers: ['first', 'last'], mapping: null, rows: [] });
    const wrongColumn = await core.invoke('leads:import-preview', {
      workshopId: workshop.id,
      csv: 'name,phone\nA,1\n',
      mapping: { name: null, phone: 'cell', email: null },
    });
    expect(wrongColumn).toMatchObject({ ok: false, error: { message: 'The file has no column called "cell".' } });
  });

  it('adds and removes a lead by hand', async () => {
    const lead = await call(core, 'leads:add', { workshopId: workshop.id, name: 'Walk-in', phone: '+91 98188 61043' });
    expect(lead.phone).toBe('919818861043');
    expect(await core.invoke('leads:add', { workshopId: workshop.id, phone: '123' })).toMatchObject({
      ok: false,
      error: { fields: { phone: expect.any(String) } },
    });
    expect(await core.invoke('leads:remove', { workshopId: workshop.id, leadId: lead.id })).toEqual({ ok: true, value: { removed: true } });
    expect(await core.invoke('leads:remove', { workshopId: workshop.id, leadId: lead.id })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });
});

describe('workshop times', () => {
  it('stores the instant of a local time in its zone and refuses one the clocks skip', async () => {
    expect(workshop).toMatchObject({ startsAt: '2026-12-01T13:00:00.000Z', startsAtLocal: '2026-12-01T18:30', timeZone: 'Asia/Kolkata' });
    const skipped = await core.invoke('workshops:create', {
      name: 'DST',
      startsAtLocal: '2026-03-29T01:30',
      timeZone: 'Europe/London',
      durationMinutes: 60,
    });
    expect(skipped).toMatchObject({ ok: false, error: { fields: { startsAtLocal: expect.stringMatching(/does not exist/) } } });
  });
});

describe('taking registrations back', () => {
  const mapping = { name: 'name', phone: 'phone', email: null };

  it('undoes one import exactly: people it added go, people registered before it stay', async () => {
    await call(core, 'leads:add', { workshopId: workshop.id, name: 'Before', phone: '919811100001' });
    const outcome = await call(core, 'leads:import', {
      workshopId: workshop.id,
      csv: 'name,phone\nBefore again,919811100001\nNew One,919811100002\nNew Two,919811100003',
      mapping,
    });
    expect(outcome).toMatchObject({ added: 2, alreadyRegistered: 1, importId: expect.stringMatching(/^imp_/) });
    expect(await call(core, 'leads:undo-import', { workshopId: workshop.id, importId: outcome.importId! })).toEqual({ removed: 2 });
    expect((await call(core, 'leads:list', { id: workshop.id })).map((lead) => lead.phone)).toEqual(['919811100001']);
    expect(await core.invoke('leads:undo-import', { workshopId: workshop.id, importId: outcome.importId })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('removes many chosen registrations in one step', async () => {
    await call(core, 'leads:import', {
      workshopId: workshop.id,
      csv: 'name,phone\nA,919811100011\nB,919811100012\nC,919811100013',
      mapping,
    });
    const listed = await call(core, 'leads:list', { id: workshop.id });
    const chosen = listed.filter((lead) => lead.name !== 'B').map((lead) => lead.id);
    expect(await call(core, 'leads:remove-many', { workshopId: workshop.id, leadIds: chosen })).toEqual({ removed: 2 });
    expect((await call(core, 'leads:list', { id: workshop.id })).map((lead) => lead.name)).toEqual(['B']);
    expect(await core.invoke('leads:remove-many', { workshopId: workshop.id, leadIds: [] })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });
});
