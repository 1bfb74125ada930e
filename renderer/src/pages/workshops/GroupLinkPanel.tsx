import { useId, useState } from 'react';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi, useConsole } from '../../app/console-context.js';
import { useConfirm } from '../../components/ConfirmDialog.js';
import { CopyButton } from '../../components/CopyButton.js';
import { GroupPicker } from './GroupPicker.js';
import { useAction } from './use-action.js';

/** The workshop's WhatsApp group: which one, its invite link, or how to link one. */
export function GroupLinkPanel({ workshop }: { workshop: Workshop }) {
  const api = useApi();
  const unlinking = useAction();
  const { group } = workshop;

  const confirm = useConfirm();
  const unlink = async () => {
    const sure = await confirm.ask({
      title: `Unlink “${group?.subject}”?`,
      body: 'The console stops tracking joins and leaves and sending reminders to this group. The membership history is kept, and the WhatsApp group itself is not touched.',
      confirm: 'Unlink group',
      danger: true,
    });
    if (sure) void unlinking.run(() => api.call('workshops:unlink-group', { id: workshop.id }));
  };

  return (
    <section className="card group-link" aria-labelledby={`${workshop.id}-group`}>
      <h2 id={`${workshop.id}-group`}>WhatsApp group</h2>
      {group ? (
        <div className="group-link__linked">
          <div>
            <strong>{group.subject}</strong>
            <span className="muted">
              {' '}
              · {group.size.toLocaleString()} {group.size === 1 ? 'member' : 'members'}
            </span>
            {group.inviteLink ? (
              <p className="group-link__invite">
                Invite link:{' '}
                <a href={group.inviteLink} target="_blank" rel="noreferrer">
                  {group.inviteLink}
                </a>{' '}
                <CopyButton text={group.inviteLink} />
              </p>
            ) : (
              <p className="muted group-link__invite">No invite link: only group admins can see it.</p>
            )}
          </div>
          <button type="button" className="button" onClick={() => void unlink()} disabled={unlinking.busy}>
            Unlink
          </button>
        </div>
      ) : (
        <SessionChoice workshop={workshop} />
      )}
      {unlinking.error ? (
        <p className="error" role="alert">
          {unlinking.error}
        </p>
      ) : null}
      {confirm.dialog}
    </section>
  );
}

function SessionChoice({ workshop }: { workshop: Workshop }) {
  const sessions = useConsole((state) => state.sessions);
  const navigate = useConsole((state) => state.navigate);
  const selectId = useId();
  const [chosen, setChosen] = useState<string | null>(null);
  const connected = (sessions ?? []).filter((session) => session.state === 'open');
  // A chosen account that disconnected falls back to another connected one.
  const sessionId = connected.find((session) => session.id === chosen)?.id ?? connected[0]?.id ?? null;

  if (sessions === null) return <p className="muted">Loading accounts…</p>;
  if (!sessionId) {
    return (
      <p className="muted">
        No WhatsApp account is connected. Link one on the{' '}
        <button type="button" className="link-button" onClick={() => navigate('connection')}>
          Connection page
        </button>{' '}
        to pick or create this workshop’s group.
      </p>
    );
  }
  return (
    <>
      <p className="muted">
        No group linked. Pick one of the account’s groups or create a new one; joins and leaves are tracked from then on.
      </p>
      {connected.length > 1 ? (
        <div className="field">
          <label htmlFor={selectId}>WhatsApp account</label>
          <select id={selectId} value={sessionId} onChange={(event) => setChosen(event.target.value)}>
            {connected.map((session) => (
              <option key={session.id} value={session.id}>
                {session.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <GroupPicker key={sessionId} workshop={workshop} sessionId={sessionId} />
    </>
  );
}
