import { useState } from 'react';
import type { CampaignSummary, SendOutcome } from '../../../shared/campaigns/campaign-schemas.js';
import { displayPhone } from '../../../shared/phone/normalise-phone.js';
import { useConsole } from '../app/console-context.js';
import { EmptyState } from '../components/EmptyState.js';
import { type TableColumn, VirtualTable } from '../components/VirtualTable.js';
import { CampaignComposer } from './campaigns/CampaignComposer.js';
import { CampaignDetail } from './campaigns/CampaignDetail.js';
import { NumberForm } from './campaigns/NumberForm.js';
import { useCampaignQuery } from './campaigns/use-campaign-query.js';
import { formatWhen } from './inbox/format-shop.js';
import { PageHeader } from './PageHeader.js';

function SendAnswer({ outcome }: { outcome: SendOutcome }) {
  return (
    <div className="banner" role="status" aria-label="Send result">
      <p>
        Queued {outcome.queued}
        {outcome.alreadyQueued ? `; ${outcome.alreadyQueued} were queued already and are not sent again` : ''}
        {outcome.refused.length ? `; ${outcome.refused.length} refused` : ''}.{outcome.warning ? ` ${outcome.warning}.` : ''}
      </p>
      {outcome.refused.length ? (
        <ul>
          {outcome.refused.map((r) => (
            <li key={r.phone}>
              {displayPhone(r.phone)}: {r.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Approved WhatsApp templates sent 1:1 through the Cloud API to a workshop's people, and how each send went. */
export function CampaignsPage() {
  const timeZone = useConsole((state) => state.settings?.timeZone ?? 'UTC');
  const setup = useCampaignQuery('campaigns:setup', (api) => api.call('campaigns:setup', {}));
  const list = useCampaignQuery('campaigns:list', (api) => api.call('campaigns:list', {}));
  const [selected, setSelected] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<SendOutcome | null>(null);
  const columns: TableColumn<CampaignSummary>[] = [
    {
      key: 'name',
      header: 'Campaign',
      width: 'minmax(160px, 1.6fr)',
      cell: (c) => (
        <button type="button" className="link-button" onClick={() => setSelected(c.id)}>
          {c.name}
        </button>
      ),
    },
    { key: 'workshop', header: 'Workshop', width: 'minmax(120px, 1fr)', cell: (c) => c.workshopName ?? '—' },
    { key: 'started', header: 'Started', width: 'minmax(110px, 0.8fr)', cell: (c) => formatWhen(c.createdAt, timeZone) },
    {
      key: 'progress',
      header: 'Progress',
      width: 'minmax(220px, 2fr)',
      cell: (c) =>
        `${c.counts.sent + c.counts.delivered + c.counts.read} sent · ${c.counts.delivered + c.counts.read} delivered · ${c.counts.read} read · ${c.counts.failed} failed of ${c.total}`,
    },
  ];
  return (
    <>
      <PageHeader title="Campaigns" subtitle="Approved WhatsApp templates, one to one, to a workshop’s people — the Missing first." />
      {setup.error ? <p className="error">{setup.error}</p> : null}
      {setup.data?.blocked ? (
        <EmptyState title={setup.data.signedIn ? 'Nothing to send with yet' : 'Signed out'}>{setup.data.blocked}</EmptyState>
      ) : null}
      {outcome ? <SendAnswer outcome={outcome} /> : null}
      {setup.data && !setup.data.blocked ? (
        <CampaignComposer
          setup={setup.data}
          timeZone={timeZone}
          onSent={(sent) => {
            setOutcome(sent);
            setSelected(sent.campaignId);
          }}
        />
      ) : null}
      {selected ? <CampaignDetail id={selected} timeZone={timeZone} onClose={() => setSelected(null)} /> : null}
      {setup.data?.signedIn ? <NumberForm open={setup.data.numbers.length === 0} /> : null}
      {list.data?.length ? (
        <section aria-label="Campaigns sent">
          <h2>Sent campaigns</h2>
          <VirtualTable label="Campaigns" rows={list.data} columns={columns} rowKey={(c) => c.id} />
        </section>
      ) : null}
    </>
  );
}
