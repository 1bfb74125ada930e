import type { ReactNode } from 'react';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { PageHeader } from '../PageHeader.js';
import { formatWorkshopStart } from './format-workshop-time.js';
import { GroupLinkPanel } from './GroupLinkPanel.js';
import { HeldReminders } from './HeldReminders.js';
import { LeadsPanel } from './LeadsPanel.js';
import { MemberTabs } from './MemberTabs.js';
import { StatCards } from './StatCards.js';
import { SyncMembersButton } from './SyncMembersButton.js';
import { TimelineChart } from './TimelineChart.js';
import { affectsWorkshop, useLiveQuery } from '../../hooks/use-live-query.js';
import { carriedStats } from '../../hooks/use-watched-view.js';
import { useWorkshops } from './use-workshops.js';

/** The screen coordinators live in: who registered, who joined, who is missing, who left. */
export function WorkshopDetail({ id }: { id: string }) {
  const workshop = useLiveQuery(id, (api) => api.call('workshops:get', { id }), affectsWorkshop(id), {
    together: id,
    carried: carriedStats(id),
  });
  const show = useWorkshops((state) => state.show);
  const back = (
    <button type="button" className="link-button workshop-detail__back" onClick={() => show({ kind: 'list' })}>
      ← All workshops
    </button>
  );

  if (!workshop.data) {
    return (
      <>
        {back}
        {workshop.error ? (
          <p className="error" role="alert">
            {workshop.error}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </>
    );
  }
  return <WorkshopDetailView workshop={workshop.data} back={back} />;
}

function WorkshopDetailView({ workshop, back }: { workshop: Workshop; back: ReactNode }) {
  const show = useWorkshops((state) => state.show);
  // Saving an edit comes back to this tab.
  const openTab = useWorkshops((state) => (state.view.kind === 'detail' ? state.view.tab : undefined));
  // Until a group is linked and people registered, linking and importing are the next step:
  // show them first. Keyed, so the move keeps their state (an open import dialog survives).
  const settingUp = !workshop.group || workshop.stats.registered === 0;
  const setup = (
    <div key="setup" className="workshop-detail__columns">
      <GroupLinkPanel workshop={workshop} />
      <LeadsPanel workshop={workshop} />
    </div>
  );
  const results = [<MemberTabs key="tabs" workshop={workshop} />, <TimelineChart key="timeline" workshop={workshop} />];
  const subtitle = `${formatWorkshopStart(workshop.startsAt, workshop.timeZone)} · ${workshop.durationMinutes} min · ${workshop.group ? workshop.group.subject : 'No group linked'}`;
  return (
    <div className="workshop-detail">
      {back}
      <PageHeader
        title={workshop.name}
        subtitle={subtitle}
        actions={
          <>
            <button
              type="button"
              className="button"
              onClick={() => show({ kind: 'edit', id: workshop.id, ...(openTab ? { tab: openTab } : {}) })}
            >
              Edit
            </button>
            <SyncMembersButton workshop={workshop} />
          </>
        }
      />
      {workshop.group ? <HeldReminders workshop={workshop} /> : null}
      <StatCards stats={workshop.stats} />
      {settingUp ? [setup, ...results] : [...results, setup]}
    </div>
  );
}
