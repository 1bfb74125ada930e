import type { WorkshopStats } from '../../../../shared/workshops/workshop-schemas.js';
import { statDefinitions } from './stat-items.js';

export function StatCards({ stats }: { stats: WorkshopStats }) {
  return (
    <div className="stat-cards">
      {statDefinitions.map((item) => (
        <div key={item.label} className="stat-card" role="group" aria-label={item.label}>
          <strong className="stat-card__value">{item.value(stats)}</strong>
          <span className="stat-card__label">
            {item.label}
            {item.note ? <span className="muted"> {item.note}</span> : null}
          </span>
        </div>
      ))}
      <div className="stat-card stat-card--secondary" role="group" aria-label="In group, not registered">
        <strong className="stat-card__value">{stats.inGroupNotRegistered.toLocaleString()}</strong>
        <span className="stat-card__label">In group, not registered</span>
        {stats.unknownPhone > 0 ? <small className="muted">{stats.unknownPhone.toLocaleString()} with a phone not known yet</small> : null}
      </div>
      <div className="stat-card stat-card--secondary" role="group" aria-label="Left, not registered">
        <strong className="stat-card__value">{stats.leftNotRegistered.toLocaleString()}</strong>
        <span className="stat-card__label">Left, not registered</span>
      </div>
    </div>
  );
}
