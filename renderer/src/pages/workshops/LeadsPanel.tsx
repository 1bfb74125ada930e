import { useDeferredValue, useId, useMemo, useState, type FormEvent } from 'react';
import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import type { Lead, Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../../app/console-context.js';
import { FormField } from '../../components/FormField.js';
import { VirtualTable, type TableColumn } from '../../components/VirtualTable.js';
import { LeadImportDialog } from './LeadImportDialog.js';
import { createRowSearch } from './search-rows.js';
import { useAction } from './use-action.js';
import { useLiveQuery } from '../../hooks/use-live-query.js';

const noLeads: readonly Lead[] = [];

/** The registrations: imported from a CSV or added by hand, each removable. */
export function LeadsPanel({ workshop }: { workshop: Workshop }) {
  const api = useApi();
  const { id } = workshop;
  const leads = useLiveQuery(`${id}:leads`, (client) => client.call('leads:list', { id }), (change) => change.event === 'workshops:changed' && change.payload.id === id, { together: id });
  const [importing, setImporting] = useState(false);
  const [adding, setAdding] = useState(false);
  const removing = useAction();
  const searchId = useId();
  const [search, setSearch] = useState('');
  const query = useDeferredValue(search);
  const rows = leads.data ?? noLeads;
  const searchIn = useMemo(() => createRowSearch(rows), [rows]);
  const shown = useMemo(() => searchIn(query), [searchIn, query]);

  const remove = (lead: Lead) => {
      const who = lead.name || displayPhone(lead.phone);
      if (window.confirm(`Remove ${who} from this workshop's registrations?`)) {
        void removing.run(() => api.call('leads:remove', { workshopId: id, leadId: lead.id }));
      }
  };
  const columns: TableColumn<Lead>[] = [
      { key: 'name', header: 'Name', width: 'minmax(160px, 2fr)', cell: (lead) => lead.name || <span className="muted">—</span> },
      { key: 'phone', header: 'Phone', width: 'minmax(160px, 1.5fr)', cell: (lead) => displayPhone(lead.phone) },
      { key: 'email', header: 'Email', width: 'minmax(160px, 2fr)', cell: (lead) => lead.email || <span className="muted">—</span> },
      {
        key: 'remove',
        header: '',
        width: '112px',
        cell: (lead) => (
          <button type="button" className="button button--small" onClick={() => remove(lead)} aria-label={`Remove ${lead.name || displayPhone(lead.phone)}`}>
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
            <input id={searchId} type="search" className="table-toolbar__search" placeholder="Search name, phone or email" value={search} onChange={(event) => setSearch(event.target.value)} />
            <span className="muted">
              {query.trim() === '' ? `${rows.length.toLocaleString()} registered` : `${shown.length.toLocaleString()} of ${rows.length.toLocaleString()} match`}
            </span>
          </div>
          <VirtualTable label="Registrations" rows={shown} columns={columns} rowKey={(lead) => String(lead.id)} />
        </>
      )}
      {importing ? <LeadImportDialog workshop={workshop} onClose={() => setImporting(false)} /> : null}
    </section>
  );
}

function AddLeadForm({ workshopId, onDone }: { workshopId: string; onDone: () => void }) {
  const api = useApi();
  const adding = useAction();
  const [draft, setDraft] = useState({ name: '', phone: '', email: '' });
  const update = (key: keyof typeof draft) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [key]: event.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await adding.run(() => api.call('leads:add', { workshopId, ...draft }))) onDone();
  }

  return (
    <form className="add-lead" onSubmit={submit} noValidate aria-label="Add a lead">
      <FormField id="lead-name" label="Name" error={adding.fields.name}>
        <input id="lead-name" value={draft.name} onChange={update('name')} />
      </FormField>
      <FormField id="lead-phone" label="Phone" hint="Any format; without a country code it is read in your default country." error={adding.fields.phone}>
        <input id="lead-phone" inputMode="tel" value={draft.phone} onChange={update('phone')} />
      </FormField>
      <FormField id="lead-email" label="Email" error={adding.fields.email}>
        <input id="lead-email" type="email" value={draft.email} onChange={update('email')} />
      </FormField>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={adding.busy}>
          {adding.busy ? 'Adding…' : 'Add lead'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        {adding.error && !(adding.fields.name ?? adding.fields.phone ?? adding.fields.email) ? (
          <span className="error" role="alert">
            {adding.error}
          </span>
        ) : null}
      </div>
    </form>
  );
}
