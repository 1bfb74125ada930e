import { describe, expect, it } from 'vitest';
import { backendRequirement } from '../../supabase/tests/support/requirements.js';
import type { TransportEvents } from '../../app/core/whatsapp/whatsapp-transport.js';
import { expectSameAsServer } from '../support/sync/convergence.js';
import type { SyncWorld } from '../support/sync/sync-world.js';
import { syncWorldForTheseTests } from '../support/sync/sync-world-per-file.js';
import { workshopInDays } from '../support/sync/workshop-in-days.js';

const backend = backendRequirement();

describe.skipIf(!backend.available)('message receipts in the hosted backend', () => {
  let world!: SyncWorld;
  syncWorldForTheseTests((started) => (world = started));

  it('uploads each member’s receipt of a group message and its recipient count, so the backend counts what the console shows', async () => {
    const org = await world.organisation('Receipts Travel');
    const desktop = world.desktop();
    const sessionId = await desktop.linkDemo();
    const group = (await desktop.call('groups:list', { sessionId }))[0]!;
    const workshop = await desktop.call('workshops:create', workshopInDays('Receipts', 30));
    await desktop.call('workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    await desktop.signIn(org);
    await desktop.settle();

    const sent = await desktop.call('messages:send-now', { workshopId: workshop.id, text: 'Doors open in 5 minutes' });
    // What Baileys reports per member of the group: three delivered, one of them read, then a late duplicate "delivered".
    const emit = (receipt: Parameters<TransportEvents['receipt']>[0]) =>
      (desktop.demo() as unknown as { emitter: { emit(event: 'receipt', payload: typeof receipt): void } }).emitter.emit(
        'receipt',
        receipt,
      );
    const members = ['111111111111111@lid', '222222222222222@lid', '333333333333333@lid'];
    for (const member of members) emit({ messageId: sent.messageId!, status: 'delivered', member });
    emit({ messageId: sent.messageId!, status: 'read', member: members[0] });
    emit({ messageId: sent.messageId!, status: 'delivered', member: members[0] });
    const shown = (await desktop.call('messages:list', { workshopId: workshop.id })).find((message) => message.id === sent.id)!;
    expect(shown.receipts).toMatchObject({ delivered: 3, read: 1 });
    await desktop.settle();

    const [counts] = await world.sql`
      select m.recipients, count(r.member)::int as delivered, count(r.read_at)::int as read
      from scheduled_whatsapp_messages m left join message_receipts r on r.organization_id = m.organization_id and r.message_row_id = m.id
      where m.organization_id = ${org.id} and m.id = ${sent.id} group by m.recipients`;
    expect(counts).toEqual({ recipients: shown.receipts!.of, delivered: 3, read: 1 });
    await expectSameAsServer(desktop, world.sql, org.id, ['scheduled_whatsapp_messages', 'message_receipts']);
    await desktop.stop();
  });
});
