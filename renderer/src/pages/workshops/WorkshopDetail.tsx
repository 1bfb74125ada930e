import { memo } from 'react';
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

  if (!workshop.data) {
    return (
      <>
        <BackToList />
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
  return <WorkshopDetailView workshop={workshop.data} />;
}

function BackToList() {
  const show = useWorkshops((state) => state.show);
  return (
    <button type="button" className="link-button workshop-detail__back" onClick={() => show({ kind: 'list' })}>
      ← All workshops
    </button>
  );
}

/**
 * A membership change carries new stats into the same workshop object (every other field
 * kept as it was), many times a minute during a workshop. Parts that never read the stats
 * compare everything else, so such a change does not render them again.
 */
function sameBesidesStats(before: { workshop: Workshop }, after: { workshop: Workshop }): boolean {
  const keys = Object.keys(after.workshop) as (keyof Workshop)[];
  return (
    keys.length === Object.keys(before.workshop).length &&
    keys.every((key) => key === 'stats' || before.workshop[key] === after.workshop[key])
  );
}

const SettledGroupLinkPanel = memo(GroupLinkPanel, sameBesidesStats);
const SettledLeadsPanel = memo(LeadsPanel, sameBesidesStats);
const SettledHeldReminders = memo(HeldReminders, sameBesidesStats);

const WorkshopHeader = memo(function WorkshopHeader({ workshop }: { workshop: Workshop }) {
  const show = useWorkshops((state) => state.show);
  // Saving an edit comes back to this tab.
  const openTab = useWorkshops((state) => (state.view.kind === 'detail' ? state.view.tab : undefined));
  const subtitle = `${formatWorkshopStart(workshop.startsAt, workshop.timeZone)} · ${workshop.durationMinutes} min · ${workshop.group ? workshop.group.subject : 'No group linked'}`;
  return (
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
  );
}, sameBesidesStats);

// Memoised: the page around it renders again on a tab change; the view only for a new workshop value.
const WorkshopDetailView = memo(function WorkshopDetailView({ workshop }: { workshop: Workshop }) {
  // Until a group is linked and people registered, linking and importing are the next step:
  // show them first. Keyed, so the move keeps their state (an open import dialog survives).
  const settingUp = !workshop.group || workshop.stats.registered === 0;
  const setup = (
    <div key="setup" className="workshop-detail__columns">
      <SettledGroupLinkPanel workshop={workshop} />
      <SettledLeadsPanel workshop={workshop} />
    </div>
  );
  const results = [<MemberTabs key="tabs" workshop={workshop} />, <TimelineChart key="timeline" workshop={workshop} />];
  return (
    <div className="workshop-detail">
      <BackToList />
      <WorkshopHeader workshop={workshop} />
      {workshop.group ? <SettledHeldReminders workshop={workshop} /> : null}
      <StatCards stats={workshop.stats} />
      {settingUp ? [setup, ...results] : [...results, setup]}
    </div>
  );
});
