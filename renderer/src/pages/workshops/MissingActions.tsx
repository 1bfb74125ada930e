import { phoneForSpreadsheet } from '../../../../shared/csv/to-csv.js';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../../app/console-context.js';
import { CopyButton } from '../../components/CopyButton.js';
import { csvFileName, downloadCsv } from './download-csv.js';
import { useAction } from './use-action.js';

/** The note a coordinator sends one registered person who has not joined yet. */
export function inviteText(name: string | null, workshop: Workshop): string {
  const greeting = name ? `Hi ${name.split(/\s+/)[0]}` : 'Hi';
  const link = workshop.group?.inviteLink;
  return link
    ? `${greeting}, you registered for ${workshop.name}. Updates and the join link are shared in its WhatsApp group: ${link}`
    : `${greeting}, you registered for ${workshop.name}. Reply here and we will add you to its WhatsApp group.`;
}

/** A wa.me link that opens a chat with this person, the invite already typed. */
export function waMeLink(phone: string, text: string): string {
  return `https://wa.me/${phone}?text=${encodeURIComponent(text)}`;
}

/**
 * Acting on the Missing list: the group's invite link to paste anywhere, and a file with each
 * missing person's email and a wa.me link that opens a chat with the invite written out.
 */
export function MissingActions({ workshop }: { workshop: Workshop }) {
  const api = useApi();
  const exporting = useAction();
  const invite = workshop.group?.inviteLink ?? null;

  const download = () =>
    exporting.run(async () => {
      const [missing, leads] = await Promise.all([
        api.call('workshops:members', { id: workshop.id, tab: 'missing' }),
        api.call('leads:list', { id: workshop.id }),
      ]);
      if (!missing.ok) return missing;
      if (!leads.ok) return leads;
      const emails = new Map(leads.value.map((lead) => [lead.phone, lead.email]));
      const rows = missing.value.filter((row) => row.phone !== null);
      downloadCsv(csvFileName(workshop.name, 'missing with invites'), rows, [
        { header: 'Name', value: (row) => row.name ?? '' },
        { header: 'Phone', value: (row) => phoneForSpreadsheet(row.phone!) },
        { header: 'Phone (E.164)', value: (row) => `+${row.phone}` },
        { header: 'Email', value: (row) => emails.get(row.phone!) ?? '' },
        { header: 'WhatsApp invite link', value: (row) => waMeLink(row.phone!, inviteText(row.name, workshop)) },
      ]);
      return { ok: true as const, value: true };
    });

  return (
    <div className="table-toolbar missing-actions" role="toolbar" aria-label="Invite the missing">
      {invite ? (
        <CopyButton text={invite} label="Copy the group’s invite link" done="Invite link copied" />
      ) : (
        <span className="muted">No invite link: only a group admin can see it.</span>
      )}
      <button type="button" className="button button--small" disabled={exporting.busy} onClick={() => void download()}>
        Download Missing with email and WhatsApp invite links
      </button>
      {exporting.error ? (
        <span className="error" role="alert">
          {exporting.error}
        </span>
      ) : null}
    </div>
  );
}
