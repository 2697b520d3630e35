/** A Chrome trace event (the JSON `traceEvents` format). */
export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of an `X` event (µs): the part of `dur` the thread actually ran. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

export interface MainThreadTasks {
  /** Top-level task durations (ms) on the page's main thread inside the window, clipped to it. */
  tasks: number[];
  /** Sum of `tasks` (ms). */
  busyMs: number;
  /**
   * The thread (CPU) time of the same tasks (ms): on a machine shared with other work, `busyMs` also
   * counts the time the thread waited for a core; this does not (nor does it count 4× throttling).
   */
  cpuMs: number;
  /** The window: first token → final paint (ms). */
  windowMs: number;
}

const TASK_NAMES = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);
/**
 * With them, the microtask checkpoints that run outside any task: a promise's continuation (a fetch
 * answered, then React's render in a microtask) shows up as one of those, not inside a task.
 */
const WITH_MICROTASKS = new Set([...TASK_NAMES, 'BlinkScheduler_PerformMicrotaskCheckpoint']);

export function parseTrace(json: string): TraceEvent[] {
  const parsed = JSON.parse(json) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/**
 * The page's main-thread tasks between two `performance.mark`s: the thread is the one that recorded
 * the marks; only top-level tasks count (a nested task's time is inside its parent's).
 */
export function mainThreadTasks(
  events: readonly TraceEvent[],
  startMark: string,
  endMark: string,
  options: { microtasks?: boolean } = {},
): MainThreadTasks {
  const names = options.microtasks ? WITH_MICROTASKS : TASK_NAMES;
  const start = events.find((event) => event.name === startMark && event.cat?.includes('user_timing'));
  const end = events.find((event) => event.name === endMark && event.cat?.includes('user_timing'));
  if (!start || !end) throw new Error(`the trace has no ${start ? endMark : startMark} mark`);
  const from = start.ts;
  const to = end.ts;
  const own = events
    .filter(
      (event) =>
        event.pid === start.pid && event.tid === start.tid && event.ph === 'X' && names.has(event.name),
    )
    .sort((a, b) => a.ts - b.ts);
  const tasks: number[] = [];
  let cpu = 0;
  let coveredUntil = Number.NEGATIVE_INFINITY;
  for (const task of own) {
    const taskEnd = task.ts + (task.dur ?? 0);
    if (task.ts < coveredUntil) continue; // nested inside the previous top-level task
    coveredUntil = taskEnd;
    const clipped = Math.min(taskEnd, to) - Math.max(task.ts, from);
    if (clipped > 0) {
      tasks.push(clipped / 1000);
      cpu += ((task.tdur ?? 0) * clipped) / Math.max(1, task.dur ?? 0) / 1000;
    }
  }
  let busy = 0;
  for (const task of tasks) busy += task;
  return { tasks, busyMs: busy, cpuMs: cpu, windowMs: (to - from) / 1000 };
}

export interface TraceBreakdown {
  /** Self time (ms) by trace event name on the page's main thread inside the window, largest first. */
  byName: [name: string, selfMs: number][];
  /** How many events of each name (style recalcs, layouts, paints…): counts, unlike ms, hold on a loaded machine. */
  counts: Map<string, number>;
  /** Busy ms per tenth of the window: whether the cost per frame grows as the answer grows. */
  byTenth: number[];
  /**
   * Top-level tasks by what posted them (`src_func`: `ScheduledActionSendBeginMainFrame` is a
   * frame, `PostTaskToMainThread` an input event, `DOMTimer` a timer…), with their thread (CPU) time
   * and count, largest first: how many frames a stream costs, and which of them do not render it.
   */
  bySource: [source: string, cpuMs: number, count: number][];
}

/**
 * Where the main thread's time went between two marks (needs the `devtools.timeline` category):
 * self time per event (`FunctionCall`, `UpdateLayoutTree`, `Layout`, `Paint`, …).
 */
export function traceBreakdown(
  events: readonly TraceEvent[],
  startMark: string,
  endMark: string,
  /** The page's renderer process, when the trace holds several pages that set the marks. */
  pid?: number,
): TraceBreakdown {
  const mark = (name: string) =>
    events.find(
      (event) =>
        event.name === name && event.cat?.includes('user_timing') && (pid === undefined || event.pid === pid),
    );
  const start = mark(startMark);
  const end = mark(endMark);
  if (!start || !end) throw new Error('the trace has no marks');
  const own = events
    .filter(
      (event) =>
        event.pid === start.pid &&
        event.tid === start.tid &&
        event.ph === 'X' &&
        event.ts >= start.ts &&
        event.ts <= end.ts,
    )
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const counts = new Map<string, number>();
  const stack: { end: number; name: string; children: number; dur: number }[] = [];
  const close = (until: number) => {
    while (stack.length > 0 && stack.at(-1)!.end <= until) {
      const done = stack.pop()!;
      self.set(done.name, (self.get(done.name) ?? 0) + (done.dur - done.children) / 1000);
    }
  };
  const tenth = (end.ts - start.ts) / 10;
  const byTenth = Array.from({ length: 10 }, () => 0);
  const bySource = new Map<string, [cpuMs: number, count: number]>();
  for (const event of own) {
    close(event.ts);
    const dur = event.dur ?? 0;
    const parent = stack.at(-1);
    if (parent) parent.children += dur;
    else if (TASK_NAMES.has(event.name)) {
      const bucket = Math.min(9, Math.floor((event.ts - start.ts) / tenth));
      byTenth[bucket]! += dur / 1000;
      const source = String(event.args?.src_func ?? '(unknown)');
      const [cpuMs, count] = bySource.get(source) ?? [0, 0];
      bySource.set(source, [cpuMs + (event.tdur ?? 0) / 1000, count + 1]);
    }
    stack.push({ end: event.ts + dur, name: event.name, children: 0, dur });
    counts.set(event.name, (counts.get(event.name) ?? 0) + 1);
  }
  close(Number.POSITIVE_INFINITY);
  return {
    byName: [...self].sort((a, b) => b[1] - a[1]),
    counts,
    byTenth,
    bySource: [...bySource]
      .map(([source, [cpuMs, count]]): [string, number, number] => [source, cpuMs, count])
      .sort((a, b) => b[1] - a[1]),
  };
}
