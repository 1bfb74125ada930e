import { DateTime } from 'luxon';
import type { ConsoleApi } from '../../../../shared/contract/api-contract.js';
import { phoneForSpreadsheet } from '../../../../shared/csv/to-csv.js';
import { ok, type Result } from '../../../../shared/contract/result.js';
import { zoneAbbreviation } from '../../../../shared/time/zone-abbreviation.js';
import type { Lead, MemberRow, Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { csvFileName, downloadCsv } from './download-csv.js';

/** What the stat cards call each registered lead: the partition Registered = In Group + Missing + Left. */
type Status = 'In group' | 'Missing' | 'Left';

/** "2026-12-01 18:05 IST": in the workshop's zone with its abbreviation, like every page; sortable as text. */
function at(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const time = DateTime.fromISO(iso, { zone: timeZone });
  return time.isValid ? `${time.toFormat('yyyy-MM-dd HH:mm')} ${zoneAbbreviation(time)}` : iso;
}

/**
 * One file of every registration with where they stand now and when they joined or left,
 * built from the same member lists the tabs show, so the file and the cards agree.
 */
export async function exportRegistrationsWithStatus(api: ConsoleApi, workshop: Workshop, leads: readonly Lead[]): Promise<Result<true>> {
  const [inGroup, left] = await Promise.all([
    api.call('workshops:members', { id: workshop.id, tab: 'in-group' }),
    api.call('workshops:members', { id: workshop.id, tab: 'left' }),
  ]);
  if (!inGroup.ok) return inGroup;
  if (!left.ok) return left;
  const byPhone = new Map<string, { status: Status; member: MemberRow }>();
  for (const member of left.value) if (member.phone) byPhone.set(member.phone, { status: 'Left', member });
  for (const member of inGroup.value) if (member.phone) byPhone.set(member.phone, { status: 'In group', member });
  const rows = leads.map((lead) => ({ lead, standing: byPhone.get(lead.phone) }));
  const zone = workshop.timeZone;
  downloadCsv(csvFileName(workshop.name, 'registrations with status'), rows, [
    { header: 'Name', value: ({ lead }) => lead.name },
    { header: 'Phone', value: ({ lead }) => phoneForSpreadsheet(lead.phone) },
    { header: 'Phone (E.164)', value: ({ lead }) => `+${lead.phone}` },
    { header: 'Email', value: ({ lead }) => lead.email },
    { header: 'Status', value: ({ standing }) => standing?.status ?? 'Missing' },
    { header: `Joined (${zone})`, value: ({ standing }) => at(standing?.member.joinedAt ?? null, zone) },
    { header: `Left (${zone})`, value: ({ standing }) => at(standing?.status === 'Left' ? standing.member.leftAt : null, zone) },
  ]);
  return ok(true as const);
}
