/** A pull as the `Models` dialog shows it: one bar, bytes and speed (CONTRACT section 12). */
export interface PullView {
  model: string;
  state: 'pulling' | 'done' | 'error' | 'cancelled';
  status: string;
  percent: number;
  completedBytes: number;
  totalBytes: number;
  /** Bytes a second since the download began; null until two readings are apart in time. */
  bytesPerS: number | null;
  error: string | null;
  /** The first reading with bytes, to measure the speed from. */
  since: { at: number; bytes: number } | null;
}

/** A pull event as `models.pullEvents` yields it. */
export type PullEventView =
  | { type: 'progress'; status: string; completedBytes: number; totalBytes: number; percent: number }
  | { type: 'done'; model: string }
  | { type: 'error'; errorCode: string; message: string }
  | { type: 'cancelled'; model: string };

export const startPull = (model: string): PullView => ({
  model,
  state: 'pulling',
  status: 'starting',
  percent: 0,
  completedBytes: 0,
  totalBytes: 0,
  bytesPerS: null,
  error: null,
  since: null,
});

/** The view after one event; `now` in ms (injected, so a test needs no clock). */
export function nextPullView(view: PullView, event: PullEventView, now: number): PullView {
  switch (event.type) {
    case 'progress': {
      const since =
        view.since ?? (event.completedBytes > 0 ? { at: now, bytes: event.completedBytes } : null);
      const elapsed = since ? (now - since.at) / 1000 : 0;
      return {
        ...view,
        status: event.status,
        percent: Math.max(view.percent, event.percent),
        completedBytes: event.completedBytes,
        totalBytes: event.totalBytes,
        since,
        bytesPerS: since && elapsed > 0 ? (event.completedBytes - since.bytes) / elapsed : view.bytesPerS,
      };
    }
    case 'done':
      return { ...view, state: 'done', status: 'success', percent: 100 };
    case 'error':
      return { ...view, state: 'error', error: event.message };
    case 'cancelled':
      return { ...view, state: 'cancelled', status: 'cancelled' };
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} KB`;
}

/** "1.2 GB of 4.7 GB · 35.0 MB/s": what the line under the bar says. */
export function pullFigures(view: PullView): string {
  if (view.totalBytes === 0) return view.status;
  const speed = view.bytesPerS && view.state === 'pulling' ? ` · ${formatBytes(view.bytesPerS)}/s` : '';
  return `${view.status} · ${formatBytes(view.completedBytes)} of ${formatBytes(view.totalBytes)}${speed}`;
}
