import { useCallback, useId } from 'react';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { EmptyState } from '../../components/EmptyState.js';
import { AutomationRulesForm } from '../messages/AutomationRulesForm.js';
import { MessageList } from '../messages/MessageList.js';
import { QuickSend } from '../messages/QuickSend.js';
import { useLiveMessages } from '../messages/use-messages.js';

/**
 * The workshop's messaging: its Linked Group, Quick Send, its Scheduled Messages with what
 * can be done to each, and its reminder rules (the organisation's unless overridden here).
 */
export function WhatsAppTab({ workshop }: { workshop: Workshop }) {
  const ids = useId();
  const { id, timeZone, group } = workshop;
  const queue = useLiveMessages(
    `${id}:messages`,
    (api) => api.call('messages:list', { workshopId: id, scope: 'all' }),
    (workshopId) => workshopId === id,
  );
  const timeZoneFor = useCallback(() => timeZone, [timeZone]);
  const reload = queue.reload;

  return (
    <div className="whatsapp-tab">
      <section className="whatsapp-tab__section" aria-labelledby={`${ids}-group`}>
        <h3 id={`${ids}-group`}>Linked Group</h3>
        {group ? (
          <p className="whatsapp-tab__group">
            <strong>{group.subject}</strong>
            <span className="muted">
              {' '}
              · {group.size.toLocaleString()} {group.size === 1 ? 'member' : 'members'} · reminders and quick sends go here
            </span>
          </p>
        ) : (
          <p className="muted">
            No group linked. Link one in the “WhatsApp group” panel on this page; reminders are scheduled as soon as it is linked, and quick
            sends need it too.
          </p>
        )}
      </section>

      {group ? (
        <section className="whatsapp-tab__section">
          <QuickSend workshop={workshop} />
        </section>
      ) : null}

      <section className="whatsapp-tab__section" aria-labelledby={`${ids}-scheduled`}>
        <h3 id={`${ids}-scheduled`}>Scheduled Messages</h3>
        {queue.loading ? (
          <p className="muted">Loading…</p>
        ) : queue.error && !queue.data ? (
          <p className="error" role="alert">
            {queue.error}
          </p>
        ) : (
          <MessageList
            label="Scheduled Messages"
            fileName={[workshop.name, 'scheduled messages']}
            messages={queue.data ?? []}
            timeZoneFor={timeZoneFor}
            empty={
              <EmptyState title="No messages scheduled">
                {group
                  ? 'Nothing is queued: every enabled reminder is already past, or all rules are off. Turn rules on below, or send a message with Quick Send.'
                  : 'Reminders for this workshop appear here once its WhatsApp group is linked.'}
              </EmptyState>
            }
          />
        )}
      </section>

      <section className="whatsapp-tab__section" aria-labelledby={`${ids}-rules`}>
        <h3 id={`${ids}-rules`}>Reminder rules</h3>
        <p className="muted whatsapp-tab__hint">
          Times are in the workshop’s zone ({timeZone}). Rules follow the organisation’s schedule (Settings) unless changed here.
        </p>
        <AutomationRulesForm workshopId={id} onSaved={reload} />
      </section>
    </div>
  );
}
