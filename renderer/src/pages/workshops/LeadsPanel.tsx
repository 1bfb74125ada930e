import { useDeferredValue, useId, useMemo, useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../../shared/contract/api-contract.js';
import { phoneForSpreadsheet } from '../../../../shared/csv/to-csv.js';
import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import type { Lead, Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi, useConsole } from '../../app/console-context.js';
import { useConfirm } from '../../components/ConfirmDialog.js';
import { TextField } from '../../components/FormField.js';
import { csvFileName, downloadCsv } from './download-csv.js';
import { exportRegistrationsWithStatus } from './registration-status-export.js';
import { ImportOutcome } from './ImportOutcome.js';
import { VirtualTable, type TableColumn } from '../../components/VirtualTable.js';
import { checkboxColumn } from '../../components/checkbox-column.js';
import { LeadImportDialog } from './LeadImportDialog.js';
import { createRowSearch } from './search-rows.js';
import { useAction } from './use-action.js';
import { useLiveQuery } from '../../hooks/use-live-query.js';

const noLeads: readonly Lead[] = [];

/** The registrations: imported from a CSV or added by hand, each removable. */
export function LeadsPanel({ workshop }: { workshop: Workshop }) {
  const api = useApi();
  const { id } = workshop;
  const leads = useLiveQuery(
    `${id}:leads`,
    (client) => client.call('leads:list', { id }),
    (change) => change.event === 'workshops:changed' && change.payload.id === id,
    { together: id },
  );
  const [importing, setImporting] = useState(false);
  const [adding, setAdding] = useState(false);
  const removing = useAction();
  const searchId = useId();
  const [search, setSearch] = useState('');
  const query = useDeferredValue(search);
  const rows = leads.data ?? noLeads;
  const searchIn = useMemo(() => createRowSearch(rows), [rows]);
  const shown = useMemo(() => searchIn(query), [searchIn, query]);

  const { dialog, ask } = useConfirm();
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [demoOutcome, setDemoOutcome] = useState<MethodOutput<'leads:import'> | null>(null);
  const demoAccount = useConsole(
    (state) => state.sessions?.find((session) => session.id === workshop.group?.sessionId && session.kind === 'simulator') ?? null,
  );
  // Only people still listed count as chosen: a removal elsewhere drops them from the choice.
  const chosen = useMemo(() => rows.filter((lead) => selected.has(lead.id)), [rows, selected]);
  const allShownChosen = shown.length > 0 && shown.every((lead) => selected.has(lead.id));
  const toggle = (leadId: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(leadId)) next.delete(leadId);
      else next.add(leadId);
      return next;
    });
  const toggleShown = () =>
    setSelected((current) => {
      const next = new Set(current);
      for (const lead of shown) {
        if (allShownChosen) next.delete(lead.id);
        else next.add(lead.id);
      }
      return next;
    });

  const remove = async (lead: Lead) => {
    const who = lead.name || displayPhone(lead.phone);
    if (
      await ask({
        title: `Remove ${who}?`,
        body: `${who} is taken off this workshop’s registrations. Their WhatsApp membership is not touched.`,
        confirm: 'Remove',
        danger: true,
      })
    ) {
      void removing.run(() => api.call('leads:remove', { workshopId: id, leadId: lead.id }));
    }
  };
  const removeChosen = async () => {
    const count = chosen.length;
    const confirmed = await ask({
      title: `Remove ${count.toLocaleString()} ${count === 1 ? 'registration' : 'registrations'}?`,
      body: 'They are taken off this workshop’s registrations in one step. Their WhatsApp membership is not touched.',
      confirm: `Remove ${count.toLocaleString()}`,
      danger: true,
    });
    if (!confirmed) return;
    if (await removing.run(() => api.call('leads:remove-many', { workshopId: id, leadIds: chosen.map((lead) => lead.id) })))
      setSelected(new Set());
  };
  const exportRows = (list: readonly Lead[], what: string) =>
    downloadCsv(csvFileName(workshop.name, what), list, [
      { header: 'Name', value: (lead) => lead.name },
      { header: 'Phone', value: (lead) => phoneForSpreadsheet(lead.phone) },
      { header: 'Phone (E.164)', value: (lead) => `+${lead.phone}` },
      { header: 'Email', value: (lead) => lead.email },
    ]);
  const importDemoPeople = async () => {
    const group = workshop.group;
    if (!group) return;
    const outcome = await removing.run(async () => {
      const sample = await api.call('demo:sample-registrations', { sessionId: group.sessionId, groupJid: group.groupJid });
      if (!sample.ok) return sample;
      return api.call('leads:import', {
        workshopId: id,
        csv: sample.value.csv,
        mapping: { name: 'Name', phone: 'Phone', email: 'Email' },
        skipInvalid: true,
      });
    });
    if (outcome) setDemoOutcome(outcome);
  };
  const columns: TableColumn<Lead>[] = [
    checkboxColumn({
      key: 'select',
      header: '',
      width: '44px',
      label: (lead) => `Select ${lead.name || displayPhone(lead.phone)}`,
      checked: (lead) => selected.has(lead.id),
      onToggle: (lead) => toggle(lead.id),
    }),
    // Narrow enough minima that the half-width card at 1366 px shows every column, Remove included.
    { key: 'name', header: 'Name', width: 'minmax(112px, 2fr)', cell: (lead) => lead.name || <span className="muted">—</span> },
    { key: 'phone', header: 'Phone', width: 'minmax(128px, 1.5fr)', cell: (lead) => displayPhone(lead.phone) },
    { key: 'email', header: 'Email', width: 'minmax(112px, 2fr)', cell: (lead) => lead.email || <span className="muted">—</span> },
    {
      key: 'remove',
      header: '',
      width: '96px',
      cell: (lead) => (
        <button
          type="button"
          className="button button--small"
          onClick={() => void remove(lead)}
          aria-label={`Remove ${lead.name || displayPhone(lead.phone)}`}
        >
          Remove
        </button>
      ),
    },
  ];

  return (
    <section className="card leads" aria-labelledby={`${id}-leads`}>
      <header className="section-header">
        <h2 id={`${id}-leads`}>Registrations</h2>
        <div className="section-header__actions">
          <button type="button" className="button" onClick={() => setAdding((open) => !open)} aria-expanded={adding}>
            Add a lead
          </button>
          <button type="button" className="button button--primary" onClick={() => setImporting(true)}>
            Import CSV
          </button>
        </div>
      </header>
      {demoAccount && rows.length === 0 && !demoOutcome ? (
        <p className="notice leads__demo">
          This workshop’s group is on the demo account, whose people match no real list.{' '}
          <button type="button" className="button button--small" disabled={removing.busy} onClick={() => void importDemoPeople()}>
            Use the demo group’s people as my registrations
          </button>
        </p>
      ) : null}
      {demoOutcome ? <ImportOutcome workshopId={id} outcome={demoOutcome} /> : null}
      {adding ? <AddLeadForm workshopId={id} onDone={() => setAdding(false)} /> : null}
      {removing.error ? (
        <p className="error" role="alert">
          {removing.error}
        </p>
      ) : null}
      {leads.error ? (
        <p className="error" role="alert">
          {leads.error}
        </p>
      ) : leads.loading ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted">Nobody registered yet. Import the registrations as a CSV with a phone column, or add people one by one.</p>
      ) : (
        <>
          <div className="table-toolbar">
            <label htmlFor={searchId} className="visually-hidden">
              Search registrations
            </label>
            <input
              id={searchId}
              type="search"
              className="table-toolbar__search"
              placeholder="Search name, phone or email"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
            <span className="muted">
              {query.trim() === ''
                ? `${rows.length.toLocaleString()} registered`
                : `${shown.length.toLocaleString()} of ${rows.length.toLocaleString()} match`}
            </span>
          </div>
          <div className="table-toolbar leads__bulk" role="toolbar" aria-label="Selected registrations">
            <label className="leads__select-all">
              <input type="checkbox" checked={allShownChosen} onChange={toggleShown} />{' '}
              {query.trim() === '' ? 'Select all' : `Select the ${shown.length.toLocaleString()} shown`}
            </label>
            <span className="muted">{chosen.length > 0 ? `${chosen.length.toLocaleString()} selected` : 'None selected'}</span>
            <button
              type="button"
              className="button button--small"
              disabled={chosen.length === 0 || removing.busy}
              onClick={() => void removeChosen()}
            >
              Remove selected
            </button>
            <button
              type="button"
              className="button button--small"
              disabled={chosen.length === 0}
              onClick={() => exportRows(chosen, 'selected registrations')}
            >
              Export selected
            </button>
            <button type="button" className="button button--small" onClick={() => exportRows(rows, 'registrations')}>
              Export all
            </button>
            <button
              type="button"
              className="button button--small"
              disabled={removing.busy}
              onClick={() => void removing.run(() => exportRegistrationsWithStatus(api, workshop, rows))}
            >
              Export all with status
            </button>
          </div>
          <VirtualTable label="Registrations" rows={shown} columns={columns} rowKey={(lead) => String(lead.id)} />
        </>
      )}
      {importing ? <LeadImportDialog workshop={workshop} onClose={() => setImporting(false)} /> : null}
      {dialog}
    </section>
  );
}

function AddLeadForm({ workshopId, onDone }: { workshopId: string; onDone: () => void }) {
  const api = useApi();
  const adding = useAction();
  const [draft, setDraft] = useState({ name: '', phone: '', email: '' });
  const [added, setAdded] = useState<string | null>(null);
  const update = (key: keyof typeof draft) => (value: string) => setDraft((current) => ({ ...current, [key]: value }));

  // People arrive at the door one after another: the form stays open for the next one, focus back on Name.
  async function submit(event: FormEvent) {
    event.preventDefault();
    const lead = await adding.run(() => api.call('leads:add', { workshopId, ...draft }));
    if (!lead) return;
    setAdded(lead.name || displayPhone(lead.phone));
    setDraft({ name: '', phone: '', email: '' });
    document.getElementById('lead-name')?.focus();
  }

  return (
    <form className="add-lead" onSubmit={submit} noValidate aria-label="Add a lead">
      <TextField id="lead-name" label="Name" error={adding.fields.name} value={draft.name} onChange={update('name')} maxLength={200} />
      <TextField
        id="lead-phone"
        label="Phone"
        hint="Any format; without a country code it is read in your default country."
        error={adding.fields.phone}
        inputMode="tel"
        value={draft.phone}
        onChange={update('phone')}
      />
      <TextField id="lead-email" label="Email" error={adding.fields.email} type="email" value={draft.email} onChange={update('email')} />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={adding.busy}>
          {adding.busy ? 'Adding…' : 'Add lead'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {added ? 'Done' : 'Cancel'}
        </button>
        {added && !adding.error ? (
          <span className="success" role="status">
            Added {added}. Add the next one, or choose Done.
          </span>
        ) : null}
        {adding.error && !(adding.fields.name ?? adding.fields.phone ?? adding.fields.email) ? (
          <span className="error" role="alert">
            {adding.error}
          </span>
        ) : null}
      </div>
    </form>
  );
}
