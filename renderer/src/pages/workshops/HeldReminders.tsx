import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useLiveQuery } from '../../hooks/use-live-query.js';
import { useWorkshops } from './use-workshops.js';
import { quote } from '../../../../shared/text/quote.js';

/**
 * Reminders that will not go out because their text needs a value this workshop lacks (a
 * join link): said on the workshop, with the way out, instead of sending "Join here:" to
 * the group.
 */
export function HeldReminders({ workshop }: { workshop: Workshop }) {
  const show = useWorkshops((state) => state.show);
  const key = `held:${workshop.id}:${workshop.joinLink}:${workshop.group?.inviteLink ?? ''}:${workshop.group ? 'linked' : ''}`;
  const held = useLiveQuery(
    key,
    (api) => api.call('automation:held', { workshopId: workshop.id }),
    (change) => change.event === 'workshops:changed' && change.payload.id === workshop.id,
  );
  const rules = held.data ?? [];
  if (rules.length === 0) return null;
  const reasons = [...new Set(rules.map((rule) => rule.reason))];
  const needsJoinLink = rules.some((rule) => rule.missing.includes('join_link'));
  return (
    <aside className="notice notice--warning held-reminders" aria-label="Reminders on hold">
      <strong>{rules.length === 1 ? '1 reminder is' : `${rules.length} reminders are`} on hold and will not be sent:</strong>{' '}
      {rules.map((rule) => quote(rule.label)).join(', ')} — the text {reasons.join('; ')}, and this workshop has none.{' '}
      {needsJoinLink ? (
        <button type="button" className="link-button" onClick={() => show({ kind: 'edit', id: workshop.id })}>
          Add the join link
        </button>
      ) : (
        'They go out as soon as the group has an invite link.'
      )}
    </aside>
  );
}
