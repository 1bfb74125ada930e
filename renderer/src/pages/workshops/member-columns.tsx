import type { ReactNode } from 'react';
import { phoneForSpreadsheet } from '../../../../shared/csv/to-csv.js';
import type { CsvColumn } from '../../../../shared/csv/to-csv.js';
import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import type { MemberRow, MemberTab, Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import type { TableColumn } from '../../components/VirtualTable.js';
import { formatMemberTime, formatSpreadsheetTime } from './format-workshop-time.js';

/** One column in both forms a tab offers: on screen and in its CSV. */
interface MemberColumn extends TableColumn<MemberRow> {
  sortValue?: (row: MemberRow) => string | null;
  csv: CsvColumn<MemberRow>['value'];
}

const lidDigits = (lid: string) => lid.replace(/@lid$/, '');

/** "removed by +44 7700 900123" for a member an admin took out; WhatsApp says who. */
function removedByText(row: MemberRow): string | null {
  if (!row.removedBy) return null;
  return `removed by ${row.removedBy.endsWith('@lid') ? `LID ${lidDigits(row.removedBy)}` : displayPhone(row.removedBy)}`;
}

function nameColumn(unnamed: string): MemberColumn {
  return {
    key: 'name',
    header: 'Name',
    width: 'minmax(140px, 1.5fr)',
    cell: (row) => row.name ?? <span className="muted">{unnamed}</span>,
    sortable: true,
    sortValue: (row) => row.name,
    csv: (row) => row.name ?? '',
  };
}

/** Members known only by LID stay visible and say so, rather than showing a blank. */
const phoneColumn: MemberColumn = {
  key: 'phone',
  header: 'Phone',
  width: 'minmax(170px, 1.2fr)',
  cell: (row) =>
    row.phone ? displayPhone(row.phone) : <span className="muted">Phone not known yet{row.lid ? ` (LID ${lidDigits(row.lid)})` : ''}</span>,
  sortable: true,
  sortValue: (row) => row.phone,
  csv: (row) => phoneForSpreadsheet(row.phone) || (row.lid ? `LID ${lidDigits(row.lid)}` : ''),
};

/**
 * The same membership time is shown again on every open of a tab and every window read
 * while scrolling, and formatting one in its zone costs about 0.2 ms: each time is formatted
 * once per zone. Bounded, so a console left open for weeks does not keep every time it showed.
 */
const shownTimes = new Map<string, string>();
function shownTime(iso: string, timeZone: string): string {
  const key = `${timeZone} ${iso}`;
  let text = shownTimes.get(key);
  if (text === undefined) {
    if (shownTimes.size >= 20_000) shownTimes.clear();
    shownTimes.set(key, (text = formatMemberTime(iso, timeZone)));
  }
  return text;
}

function timeColumn(key: 'joined' | 'left', header: string, timeZone: string): MemberColumn {
  const at = (row: MemberRow) => (key === 'joined' ? row.joinedAt : row.leftAt);
  const seenAtSync = (row: MemberRow) => (key === 'joined' ? row.joinedSeenAt : row.leftSeenAt) === 'sync';
  const how = (row: MemberRow) => (key === 'left' ? removedByText(row) : null);
  return {
    key,
    header,
    width: 'minmax(250px, 1.5fr)',
    cell: (row): ReactNode => {
      const iso = at(row);
      if (!iso) return <span className="muted">—</span>;
      return (
        <>
          {shownTime(iso, timeZone)}
          {how(row) ? <span className="muted member-time__how"> · {how(row)}</span> : null}
          {seenAtSync(row) ? (
            <span className="badge badge--busy member-time__sync" title="Happened while the console was off; this is when a sync saw it">
              seen at sync
            </span>
          ) : null}
        </>
      );
    },
    sortable: true,
    sortValue: at,
    csv: (row) => {
      const iso = at(row);
      const removed = how(row);
      return iso
        ? `${formatSpreadsheetTime(iso, timeZone)}${removed ? ` (${removed})` : ''}${seenAtSync(row) ? ' (seen at sync)' : ''}`
        : '';
    },
  };
}

const adminColumn: MemberColumn = {
  key: 'admin',
  header: 'Admin',
  width: 'minmax(80px, 0.6fr)',
  cell: (row) => (row.isAdmin ? <span className="badge badge--ok">Admin</span> : null),
  csv: (row) => (row.isAdmin ? 'yes' : ''),
};

export const memberTabLabels: Record<MemberTab, string> = {
  missing: 'Missing',
  left: 'Left Group',
  'in-group': 'In Group',
  'not-registered': 'In group, not registered',
  'left-not-registered': 'Left, not registered',
};

export interface MemberTabView {
  label: string;
  columns: MemberColumn[];
}

/** Names and columns of the source documents' tabs. */
export function memberTabView(tab: MemberTab, timeZone: string): MemberTabView {
  switch (tab) {
    case 'missing':
      return {
        label: memberTabLabels.missing,
        columns: [nameColumn('—'), phoneColumn],
      };
    case 'left':
      return {
        label: memberTabLabels.left,
        columns: [nameColumn('—'), phoneColumn, timeColumn('joined', 'Joined', timeZone), timeColumn('left', 'Left', timeZone)],
      };
    case 'in-group':
      return {
        label: memberTabLabels['in-group'],
        columns: [nameColumn('—'), phoneColumn, timeColumn('joined', 'Joined', timeZone), adminColumn],
      };
    case 'not-registered':
      return {
        label: memberTabLabels['not-registered'],
        columns: [nameColumn('Unknown'), phoneColumn, timeColumn('joined', 'Joined', timeZone)],
      };
    case 'left-not-registered':
      return {
        label: memberTabLabels['left-not-registered'],
        columns: [nameColumn('Unknown'), phoneColumn, timeColumn('joined', 'Joined', timeZone), timeColumn('left', 'Left', timeZone)],
      };
  }
}

/** What an empty tab says: what will appear there, or what to do first for anything to appear. */
export function emptyTabMessage(tab: MemberTab, workshop: Workshop): { title: string; text: string } {
  const needsLeads = (tab === 'missing' || tab === 'in-group') && workshop.stats.registered === 0;
  if (needsLeads)
    return {
      title: 'Nobody registered yet',
      text: 'Import the registrations as a CSV or add people by hand; this tab then compares them with the group.',
    };
  if (tab !== 'missing' && !workshop.group)
    return { title: 'No group linked yet', text: 'Link the workshop’s WhatsApp group to see who joins and who leaves.' };
  switch (tab) {
    case 'missing':
      return { title: 'Nobody is missing', text: 'Registered people who have not joined the group appear here, so you can remind them.' };
    case 'left':
      return {
        title: 'Nobody registered has left',
        text: 'Registered people who join the group and then leave after this workshop was created appear here, with when they joined and left.',
      };
    case 'in-group':
      return { title: 'No registered person is in the group yet', text: 'Registered people appear here the moment they join the group.' };
    case 'not-registered':
      return {
        title: 'Everyone in the group is registered',
        text: 'Group members who match no registration appear here, including members whose phone WhatsApp has not revealed yet.',
      };
    case 'left-not-registered':
      return {
        title: 'Nobody unregistered has left',
        text: 'Group members who match no registration and leave after this workshop was created appear here, apart from the Left count.',
      };
  }
}
