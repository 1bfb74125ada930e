import { useEffect, useState } from 'react';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useConsole } from '../../app/console-context.js';
import { EmptyState } from '../../components/EmptyState.js';
import { FirstRunGuide } from '../FirstRunGuide.js';
import { PageHeader } from '../PageHeader.js';
import { formatWorkshopStart } from './format-workshop-time.js';
import { statDefinitions } from './stat-items.js';
import { useWorkshops } from './use-workshops.js';

/** Soonest first, then the ones that have ended, most recent first: the list reads as a calendar. */
function byWhen(workshops: readonly Workshop[], now: number): { upcoming: Workshop[]; past: Workshop[] } {
  const endOf = (workshop: Workshop) => Date.parse(workshop.startsAt) + workshop.durationMinutes * 60_000;
  const upcoming = workshops.filter((workshop) => endOf(workshop) > now).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const past = workshops.filter((workshop) => endOf(workshop) <= now).sort((a, b) => b.startsAt.localeCompare(a.startsAt));
  return { upcoming, past };
}

export function WorkshopList() {
  const workshops = useWorkshops((state) => state.workshops);
  const loadError = useWorkshops((state) => state.loadError);
  const notice = useWorkshops((state) => state.notice);
  const show = useWorkshops((state) => state.show);
  const load = useWorkshops((state) => state.load);
  const connected = useConsole((state) => state.transportStatus === 'connected');
  // Fresh on every visit and after a reconnect; in between, pushed events keep it current.
  useEffect(() => {
    if (connected) void load();
  }, [connected, load]);

  // The moment the list opened: a workshop ending while it is open moves on the next visit.
  const [openedAt] = useState(() => Date.now());
  const sections = (list: readonly Workshop[]) => {
    const { upcoming, past } = byWhen(list, openedAt);
    return [
      { title: 'Upcoming', rows: upcoming },
      { title: 'Past', rows: past },
    ].filter((section) => section.rows.length > 0);
  };

  const create = (
    <button type="button" className="button button--primary" onClick={() => show({ kind: 'new' })}>
      Create workshop
    </button>
  );
  return (
    <>
      <PageHeader
        title="Workshops"
        subtitle="Registered, In Group, Missing, Left and Join Rate for each workshop, live from its WhatsApp group."
        actions={workshops?.length ? create : undefined}
      />
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {loadError ? (
        <p className="error" role="alert">
          {loadError}
        </p>
      ) : null}
      <FirstRunGuide />
      {workshops === null ? (
        loadError ? null : (
          <p className="muted">Loading…</p>
        )
      ) : workshops.length === 0 ? (
        <EmptyState title="No workshops yet" action={create}>
          Your workshops will appear here with who registered, who joined the WhatsApp group, who is still missing and who left, updated the
          moment people join or leave. Create one, import its registrations and link its group.
        </EmptyState>
      ) : (
        <div className="card workshop-list">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Workshop</th>
                <th scope="col">Starts</th>
                <th scope="col">Group</th>
                {statDefinitions.map((stat) => (
                  <th key={stat.label} scope="col" className="table__number">
                    {stat.label}
                  </th>
                ))}
              </tr>
            </thead>
            {sections(workshops).map(({ title, rows }) => (
              <tbody key={title} aria-label={title}>
                <tr className="workshop-list__section">
                  <th scope="rowgroup" colSpan={3 + statDefinitions.length}>
                    {title}
                  </th>
                </tr>
                {rows.map((workshop) => (
                  <tr key={workshop.id} className="table__clickable" onClick={() => show({ kind: 'detail', id: workshop.id })}>
                    <th scope="row">
                      {/* Its click bubbles to the row: the button is how a keyboard opens the workshop. */}
                      <button type="button" className="link-button workshop-list__open">
                        {workshop.name}
                      </button>
                    </th>
                    <td>{formatWorkshopStart(workshop.startsAt, workshop.timeZone)}</td>
                    <td>{workshop.group ? workshop.group.subject : <span className="muted">No group linked</span>}</td>
                    {statDefinitions.map((stat) => (
                      <td key={stat.label} className="table__number">
                        {stat.value(workshop.stats)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
    </>
  );
}
