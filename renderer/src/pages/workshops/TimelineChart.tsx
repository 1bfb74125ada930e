import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { memo, useMemo } from 'react';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { formatChartTime, formatMemberTime } from './format-workshop-time.js';
import { affectsWorkshop, useLiveQuery } from '../../hooks/use-live-query.js';
import { carriedTimeline, useWatchedView } from '../../hooks/use-watched-view.js';

// Every prop the chart gets keeps its identity across renders: Recharts stores its settings
// and renders again whenever one is a new object or function.
const axisTick = { fill: 'var(--muted)', fontSize: 12 };
const chartMargin = { top: 8, right: 16, bottom: 0, left: 0 };
const axisPadding = { left: 16, right: 16 };
const timeDomain = ['dataMin', 'dataMax'];
const tooltipStyle = { background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' };

/** Axis and tooltip labels in the workshop's zone, each time formatted once however often the chart is drawn. */
function useTimeLabels(timeZone: string) {
  return useMemo(() => {
    const labels = new Map<number, string>();
    const label = (time: number, format: (iso: string, zone: string) => string) => {
      let text = labels.get(time);
      if (text === undefined) {
        // The axis moves with the data over days; keep only the recent labels.
        if (labels.size >= 500) labels.clear();
        labels.set(time, (text = format(new Date(time).toISOString(), timeZone)));
      }
      return text;
    };
    return {
      tick: (time: number) => label(time, formatChartTime),
      tooltip: (time: unknown) => formatMemberTime(new Date(Number(time)).toISOString(), timeZone),
    };
  }, [timeZone]);
}

/**
 * In-group against registered over time, with each moment's joins and leaves as bars.
 * It reads only the workshop's id and zone: a membership change renders it for its own
 * carried points, not again for the new cards around it.
 */
export const TimelineChart = memo(
  function TimelineChart({ workshop }: { workshop: Workshop }) {
    return <Timeline id={workshop.id} timeZone={workshop.timeZone} />;
  },
  (before, after) => before.workshop.id === after.workshop.id && before.workshop.timeZone === after.workshop.timeZone,
);

function Timeline({ id, timeZone }: { id: string; timeZone: string }) {
  const labels = useTimeLabels(timeZone);
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
              <ComposedChart data={points} margin={chartMargin}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
                <XAxis
                  dataKey="time"
                  type="number"
                  scale="time"
                  domain={timeDomain}
                  tickFormatter={labels.tick}
                  tick={axisTick}
                  stroke="var(--border)"
                  minTickGap={32}
                  padding={axisPadding}
                />
                <YAxis allowDecimals={false} tick={axisTick} stroke="var(--border)" width={48} />
                <Tooltip labelFormatter={labels.tooltip} contentStyle={tooltipStyle} />
                <Legend />
                {/* Not animated: a live change is drawn in the frame it arrives, not grown over the next 400 ms of frames. */}
                <Bar dataKey="joins" name="Joins" fill="var(--success)" barSize={6} isAnimationActive={false} />
                <Bar dataKey="leaves" name="Leaves" fill="var(--error)" barSize={6} isAnimationActive={false} />
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
