import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useMemo } from 'react';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { formatChartTime, formatMemberTime } from './format-workshop-time.js';
import { affectsWorkshop, useLiveQuery } from '../../hooks/use-live-query.js';
import { carriedTimeline, useWatchedView } from '../../hooks/use-watched-view.js';

const axisTick = { fill: 'var(--muted)', fontSize: 12 };

/** In-group against registered over time, with each moment's joins and leaves as bars. */
export function TimelineChart({ workshop }: { workshop: Workshop }) {
  const { id, timeZone } = workshop;
  const watch = useWatchedView();
  const timeline = useLiveQuery(`${id}:timeline`, (api) => api.call('workshops:timeline', { id, watch }), affectsWorkshop(id), {
    together: id,
    carried: carriedTimeline(watch),
  });
  // Epoch milliseconds on a numeric axis, so an hour of silence takes an hour's width.
  const points = useMemo(() => (timeline.data ?? []).map((point) => ({ ...point, time: Date.parse(point.at) })), [timeline.data]);
  const latest = points.at(-1);
  const sparse = points.length < 30;

  return (
    <section className="card timeline" aria-labelledby={`${id}-timeline`}>
      <h2 id={`${id}-timeline`}>Timeline</h2>
      {timeline.error ? (
        <p className="error" role="alert">
          {timeline.error}
        </p>
      ) : timeline.loading ? (
        <p className="muted">Loading…</p>
      ) : points.length === 0 ? (
        <p className="muted">The timeline fills in as registrations arrive and people join or leave the group.</p>
      ) : (
        <>
          <p className="visually-hidden">
            {latest ? `${latest.inGroup} in the group of ${latest.registered} registered at ${formatMemberTime(latest.at, timeZone)}.` : ''}
          </p>
          <div className="timeline__chart" aria-hidden="true">
            <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 720, height: 260 }}>
              <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
                <XAxis
                  dataKey="time"
                  type="number"
                  scale="time"
                  domain={['dataMin', 'dataMax']}
                  tickFormatter={(time: number) => formatChartTime(new Date(time).toISOString(), timeZone)}
                  tick={axisTick}
                  stroke="var(--border)"
                  minTickGap={32}
                  padding={{ left: 16, right: 16 }}
                />
                <YAxis allowDecimals={false} tick={axisTick} stroke="var(--border)" width={48} />
                <Tooltip
                  labelFormatter={(time) => formatMemberTime(new Date(Number(time)).toISOString(), timeZone)}
                  contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }}
                />
                <Legend />
                <Bar dataKey="joins" name="Joins" fill="var(--success)" barSize={6} />
                <Bar dataKey="leaves" name="Leaves" fill="var(--error)" barSize={6} />
                <Area
                  type="stepAfter"
                  dataKey="inGroup"
                  name="In group"
                  stroke="var(--accent)"
                  fill="var(--accent-soft)"
                  strokeWidth={2}
                  dot={sparse}
                  isAnimationActive={false}
                />
                <Line
                  type="stepAfter"
                  dataKey="registered"
                  name="Registered"
                  stroke="var(--muted)"
                  strokeDasharray="5 4"
                  dot={sparse}
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        </>
      )}
    </section>
  );
}
