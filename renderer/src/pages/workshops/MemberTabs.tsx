import { useId, useRef, type KeyboardEvent } from 'react';
import { useApi, useConsole } from '../../app/console-context.js';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { detailTabs as tabs, type DetailTab } from '../../stores/workshops.store.js';
import { memberTabLabels } from './member-columns.js';
import { MemberTable } from './MemberTable.js';
import { openMemberTab } from './member-tab-opening.js';
import { MissingActions } from './MissingActions.js';
import { timeChangeMessage } from './reschedule-notice.js';
import { useWorkshops } from './use-workshops.js';
import { WhatsAppTab } from './WhatsAppTab.js';

function tabCount(tab: DetailTab, stats: Workshop['stats']): number | null {
  switch (tab) {
    case 'missing':
      return stats.missing;
    case 'left':
      return stats.left;
    case 'in-group':
      return stats.inGroup;
    case 'not-registered':
      return stats.inGroupNotRegistered;
    case 'left-not-registered':
      return stats.leftNotRegistered;
    case 'whatsapp':
      return null;
  }
}

/** WAI-ARIA tabs with automatic activation: arrows, Home and End move between them. */
export function MemberTabs({ workshop }: { workshop: Workshop }) {
  const baseId = useId();
  // The open tab is part of the page's address, so a reload or Back keeps it.
  const selected = useWorkshops((state) => (state.view.kind === 'detail' ? state.view.tab : undefined)) ?? 'missing';
  const show = useWorkshops((state) => state.show);
  const api = useApi();
  const connected = useConsole((state) => state.transportStatus === 'connected');
  const setSelected = (tab: DetailTab) => {
    // Asked before React draws the tab, so the core reads the rows while the old table goes and the new one mounts.
    if (tab !== selected && tab !== 'whatsapp' && connected) openMemberTab(api, workshop.id, tab);
    show({ kind: 'detail', id: workshop.id, tab });
  };
  const tabRefs = useRef(new Map<DetailTab, HTMLButtonElement>());
  // Said once after a save, e.g. "Saved. 3 reminders moved to the new time."
  const notice = useWorkshops((state) => state.notice);
  const tellGroup = useWorkshops((state) => state.tellGroup?.workshopId === workshop.id);
  const draftQuickSend = useWorkshops((state) => state.draftQuickSend);

  const select = (tab: DetailTab) => {
    setSelected(tab);
    tabRefs.current.get(tab)?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.indexOf(selected);
    const next =
      event.key === 'ArrowRight'
        ? tabs[(index + 1) % tabs.length]
        : event.key === 'ArrowLeft'
          ? tabs[(index - 1 + tabs.length) % tabs.length]
          : event.key === 'Home'
            ? tabs[0]
            : event.key === 'End'
              ? tabs[tabs.length - 1]
              : undefined;
    if (next) {
      event.preventDefault();
      select(next);
    }
  };

  return (
    <section className="card member-tabs" aria-label="Members">
      {notice ? (
        <p className="member-tabs__notice" role="status">
          {notice}
          {tellGroup ? (
            <>
              {' '}
              <button type="button" className="button button--small" onClick={() => draftQuickSend(workshop.id, timeChangeMessage)}>
                Tell the group
              </button>
            </>
          ) : null}
        </p>
      ) : null}
      <div role="tablist" aria-label="Member lists" className="tabs" onKeyDown={onKeyDown}>
        {tabs.map((tab) => {
          const count = tabCount(tab, workshop.stats);
          return (
            <button
              key={tab}
              ref={(element) => {
                if (element) tabRefs.current.set(tab, element);
                else tabRefs.current.delete(tab);
              }}
              type="button"
              role="tab"
              id={`${baseId}-tab-${tab}`}
              aria-selected={tab === selected}
              aria-controls={`${baseId}-panel`}
              tabIndex={tab === selected ? 0 : -1}
              className="tabs__tab"
              onClick={() => setSelected(tab)}
            >
              {tab === 'whatsapp' ? 'WhatsApp' : memberTabLabels[tab]}
              {count === null ? null : <span className="tabs__count">{count.toLocaleString()}</span>}
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-tab-${selected}`} className="tabs__panel" tabIndex={0}>
        {selected === 'missing' && workshop.stats.missing > 0 ? <MissingActions workshop={workshop} /> : null}
        {selected === 'whatsapp' ? <WhatsAppTab workshop={workshop} /> : <MemberTable key={selected} workshop={workshop} tab={selected} />}
      </div>
    </section>
  );
}
