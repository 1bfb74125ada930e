import type { Browser, Page } from 'playwright-core';

/**
 * Where one timed operation's wall time went on the page's main thread, from a Chromium trace
 * of the round it ran in: each bucket is the thread time of the events of that kind inside the
 * operation (own time, children counted in their own bucket), `descheduled` the time inside tasks
 * the thread was not running, and `idle` the part of the wall time the main thread ran no task at
 * all, i.e. it waited on the core, the socket or the frame clock. The buckets add up to the wall time.
 */
export interface PageTime {
  /** JavaScript: the action's handler, the socket's message handler and React's render and commit. */
  script: number;
  /** Garbage collection of the page's heap (V8 and Blink), wherever it ran. */
  gc: number;
  styleLayout: number;
  /** Pre-paint, paint, layerising and the commit to the compositor. */
  paint: number;
  /** Main-thread tasks that are none of the above (parsing, input, the browser's own work). */
  other: number;
  /** In a task but off the CPU: the machine's other processes had it (a task's wall time less its thread time). */
  descheduled: number;
  idle: number;
  /** The three kinds of event with the most own time, e.g. "FunctionCall 12.1". */
  top: string;
}

export const pageTimeBuckets = [
  'script',
  'gc',
  'styleLayout',
  'paint',
  'other',
  'descheduled',
  'idle',
] as const satisfies readonly (keyof PageTime)[];
type Bucket = (typeof pageTimeBuckets)[number];

/** Trace categories with every event a bucket needs and no stack sampling, so the trace costs little. */
const categories = ['devtools.timeline', 'v8.execute', 'blink_gc', 'disabled-by-default-v8.gc'];

const gcEvent = /^(MinorGC|MajorGC|V8\.GC|BlinkGC\.|ThreadState::|V8\.Scavenge|V8\.MarkCompact|CppGC\.)/;
const styleLayoutEvent =
  /^(UpdateLayoutTree|Layout|RecalcStyle|Document::recalcStyle|Document::rebuildLayoutTree|LayoutShift|ScheduleStyleRecalculation)/;
const paintEvent =
  /^(PrePaint|Paint|Layerize|PaintArtifactCompositor|Commit|UpdateLayer|CompositeLayers|RasterTask|Decode|IntersectionObserverController)/;
const scriptEvent =
  /^(FunctionCall|EvaluateScript|v8\.run|v8\.callFunction|v8\.compile|V8\.Execute|RunMicrotasks|EventDispatch|TimerFire|FireAnimationFrame|v8\.evaluateModule|ParseHTML|V8\.ParseFunction)/;

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: { message?: string; type?: string } };
}

/**
 * Traces the browser (every renderer) until `stop`; an operation whose start the page marked
 * with `console.timeStamp(traceMark(id))` can then be looked up by `id`.
 */
export async function startPageTrace(browser: Browser, page: Page): Promise<{ stop(): Promise<PageTrace> }> {
  await browser.startTracing(page, { categories });
  return {
    stop: async () => new PageTrace(JSON.parse((await browser.stopTracing()).toString()).traceEvents as TraceEvent[]),
  };
}

/** The label of an operation's start in the trace (console.timeStamp shows as a TimeStamp event). */
export const traceMark = (id: string) => `bench-op ${id}`;

export class PageTrace {
  constructor(private readonly events: TraceEvent[]) {}

  /** Where the `wall` ms after the operation marked `id` went on its main thread; null if the mark is missing. */
  timeOf(id: string, wall: number): PageTime | null {
    const mark = this.events.find((event) => event.name === 'TimeStamp' && event.args?.data?.message === traceMark(id));
    if (!mark) return null;
    const [from, to] = [mark.ts, mark.ts + wall * 1000];
    const thread = this.events
      .filter((event) => event.pid === mark.pid && event.tid === mark.tid && event.ph === 'X' && event.dur !== undefined)
      .filter((event) => event.ts < to && event.ts + event.dur! > from)
      .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const time: PageTime = { script: 0, gc: 0, styleLayout: 0, paint: 0, other: 0, descheduled: 0, idle: 0, top: '' };
    const byName = new Map<string, number>();
    // Own time of each event: its thread time (wall where the trace has none) less its children's.
    const stack: { event: TraceEvent; own: number }[] = [];
    const owned: { event: TraceEvent; own: number }[] = [];
    let busy = 0;
    const clipped = (event: TraceEvent) => {
      const wallPart = (Math.min(to, event.ts + event.dur!) - Math.max(from, event.ts)) / event.dur!;
      return ((event.tdur ?? event.dur!) * wallPart) / 1000;
    };
    for (const event of thread) {
      while (stack.length > 0 && stack.at(-1)!.event.ts + stack.at(-1)!.event.dur! <= event.ts) stack.pop();
      const entry = { event, own: clipped(event) };
      const parent = stack.at(-1);
      if (parent) parent.own -= entry.own;
      else busy += (Math.min(to, event.ts + event.dur!) - Math.max(from, event.ts)) / 1000;
      stack.push(entry);
      owned.push(entry);
    }
    for (const { event, own } of owned) {
      const bucket: Bucket = gcEvent.test(event.name)
        ? 'gc'
        : styleLayoutEvent.test(event.name)
          ? 'styleLayout'
          : paintEvent.test(event.name)
            ? 'paint'
            : scriptEvent.test(event.name)
              ? 'script'
              : 'other';
      time[bucket] += Math.max(0, own);
      const name = event.name === 'EventDispatch' ? `EventDispatch ${event.args?.data?.type ?? ''}` : event.name;
      byName.set(name, (byName.get(name) ?? 0) + Math.max(0, own));
    }
    time.top = [...byName]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, ms]) => `${name} ${ms.toFixed(1)}`)
      .join(', ');
    time.idle = Math.max(0, wall - busy);
    const ran = time.script + time.gc + time.styleLayout + time.paint + time.other;
    time.descheduled = Math.max(0, busy - ran);
    return time;
  }
}
