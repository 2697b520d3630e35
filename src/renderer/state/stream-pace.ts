/**
 * The shortest time between two renders of a streaming answer (see `pacedFrames`): the page's socket
 * worker hands the page a stream's messages no more often either.
 */
export const STREAM_RENDER_INTERVAL_MS = 50;

let listener: ((intervalMs: number) => void) | null = null;
let reported = STREAM_RENDER_INTERVAL_MS;

/** The page's socket worker listens: it posts the page messages no more often than it renders. */
export function onStreamPace(next: ((intervalMs: number) => void) | null): void {
  listener = next;
}

/**
 * The time a streaming answer now waits between renders (longer on a slow machine, see
 * `pacedFrames`), or the shortest again when the stream ends. Passed on when it changed by a fifth
 * or more: the worker then wakes the page no more often than the page renders what it is sent.
 */
export function reportStreamPace(intervalMs: number): void {
  const next = Math.max(STREAM_RENDER_INTERVAL_MS, Math.round(intervalMs));
  if (next === reported || Math.abs(next - reported) < reported / 5) return;
  reported = next;
  listener?.(next);
}
