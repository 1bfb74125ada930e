import type { CampaignDay, CampaignRecipient } from '../../../../shared/campaigns/campaign-schemas.js';
import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import { type TableColumn, VirtualTable } from '../../components/VirtualTable.js';
import { formatWhen } from '../inbox/format-shop.js';
import { csvFileName, downloadCsv } from '../workshops/download-csv.js';
import { campaignCsvColumns } from './campaign-csv.js';
import { statusBadge, statusWords } from './status-words.js';
import { useCampaignQuery } from './use-campaign-query.js';

const series = [
  { key: 'sent', label: 'Sent', className: 'campaign-chart__bar--sent' },
  { key: 'delivered', label: 'Delivered', className: 'campaign-chart__bar--delivered' },
  { key: 'read', label: 'Read', className: 'campaign-chart__bar--read' },
  { key: 'failed', label: 'Failed', className: 'campaign-chart__bar--failed' },
] as const;

/** Per day: how many of the messages queued that day were sent, delivered, read and failed. */
function DayChart({ days }: { days: CampaignDay[] }) {
  const max = Math.max(1, ...days.map((d) => d.total));
  return (
    <figure className="campaign-chart" aria-label="Outcomes per day">
      <ul className="campaign-chart__legend">
        {series.map((s) => (
          <li key={s.key}>
            <span className={`campaign-chart__swatch ${s.className}`} /> {s.label}
          </li>
        ))}
      </ul>
      <div className="campaign-chart__days">
        {days.map((day) => (
          <div key={day.day} className="campaign-chart__day" aria-label={`${day.day}: ${day.total} queued`}>
            <div className="campaign-chart__bars">
              {series.map((s) => (
                <div
                  key={s.key}
                  className={`campaign-chart__bar ${s.className}`}
                  style={{ height: `${(day[s.key] / max) * 100}%` }}
                  title={`${s.label}: ${day[s.key]}`}
                  aria-label={`${s.label} ${day[s.key]}`}
                />
              ))}
            </div>
            <span className="muted">{day.day}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}

/** One campaign: its progress as sync brings Meta's statuses, per day, per recipient, and its CSV. */
export function CampaignDetail({ id, timeZone, onClose }: { id: string; timeZone: string; onClose: () => void }) {
  const detail = useCampaignQuery(`campaign:${id}`, (api) => api.call('campaigns:get', { id }));
  const columns: TableColumn<CampaignRecipient>[] = [
    { key: 'name', header: 'Name', width: 'minmax(140px, 1.2fr)', cell: (r) => r.name || '—' },
    { key: 'phone', header: 'Phone', width: 'minmax(140px, 1fr)', cell: (r) => displayPhone(r.phone) },
    {
      key: 'status',
      header: 'Status',
      width: 'minmax(110px, 0.8fr)',
      cell: (r) => <span className={statusBadge[r.status]}>{statusWords[r.status]}</span>,
    },
    {
      key: 'when',
      header: 'Last change',
      width: 'minmax(120px, 0.9fr)',
      cell: (r) => formatWhen(r.readAt ?? r.deliveredAt ?? r.sentAt ?? r.failedAt, timeZone),
    },
    { key: 'detail', header: 'Detail', width: 'minmax(200px, 2fr)', cell: (r) => r.detail ?? '' },
  ];
  if (detail.error) return <p className="error">{detail.error}</p>;
  if (!detail.data) return <p className="muted">Loading…</p>;
  const { summary, days, recipients } = detail.data;
  const c = summary.counts;
  return (
    <section className="card campaign-detail" aria-label={`Campaign ${summary.name}`}>
      <header className="campaign-detail__header">
        <div>
          <h2>{summary.name}</h2>
          <p className="muted">
            {summary.templateName} · {summary.category.toLowerCase()}
            {summary.workshopName ? ` · ${summary.workshopName}` : ''} · started {formatWhen(summary.createdAt, timeZone)}
          </p>
        </div>
        <div className="page-header__actions">
          <button
            type="button"
            className="button"
            onClick={() => downloadCsv(csvFileName(summary.name, 'outcomes'), recipients, campaignCsvColumns)}
          >
            Export CSV
          </button>
          <button type="button" className="button button--quiet" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      <p aria-label="Progress" className="campaign-detail__progress">
        {summary.total} in all · {c.queued + c.sending} waiting · {c.sent + c.delivered + c.read} sent · {c.delivered + c.read} delivered ·{' '}
        {c.read} read · {c.failed} failed
        {c.unknown ? ` · ${c.unknown} waiting for Meta` : ''}
        {c.cancelled ? ` · ${c.cancelled} cancelled` : ''}
      </p>
      <DayChart days={days} />
      <VirtualTable label="Recipients" rows={recipients} columns={columns} rowKey={(r) => r.id} />
    </section>
  );
}
