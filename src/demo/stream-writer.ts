import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** Ends a stream early on purpose: after `afterTokens` parts, cut the connection or go silent. */
export interface StreamInterrupt {
  afterTokens: number;
  /** `cut`: close the socket mid-stream; `stall`: keep it open, sending nothing, until the client leaves. */
  mode: 'cut' | 'stall';
}

export interface StreamPlan {
  /** Number of parts (tokens) to send. */
  count: number;
  /** The wire text of part `index`, rendered at the moment it is sent. */
  render(index: number): string;
  /** The wire text after the last part (rendered at the end, so durations are real). */
  finish(): string;
  tokensPerSecond?: number;
  delayFirstMs?: number;
  /** Stops after `min(count, afterTokens)` parts, before the final text, whatever the count. */
  interrupt?: StreamInterrupt;
  /** Called just before a `cut` closes the socket. */
  onCut?: () => void;
}

export type StreamOutcome = 'completed' | 'closed' | 'cut';

/** Writes sent at once are joined up to this size: fewer syscalls when the stream runs flat out. */
const BATCH_CHARS = 16_384;

/**
 * Streams a response body part by part. Flat out, it writes without awaiting anything unless the
 * socket pushes back; at a set rate, a timer wakes up at each due moment (computed from the start,
 * so it does not drift) and sends every part that is due.
 */
export async function writeStream(res: ServerResponse, plan: StreamPlan): Promise<StreamOutcome> {
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  let lastWrite: Promise<void> = Promise.resolve();

  const pause = async (ms: number): Promise<boolean> => {
    if (ms > 0) await sleep(ms, undefined, { signal: gone.signal }).catch(() => undefined);
    return !gone.signal.aborted;
  };
  const write = async (text: string): Promise<boolean> => {
    if (gone.signal.aborted) return false;
    lastWrite = new Promise((resolve) => res.write(text, () => resolve()));
    if (res.writableNeedDrain) await drained(res, gone.signal);
    return !gone.signal.aborted;
  };

  if (!(await pause(plan.delayFirstMs ?? 0))) return 'closed';
  const rate = plan.tokensPerSecond ?? 0;
  const limit = Math.min(plan.count, plan.interrupt?.afterTokens ?? Number.POSITIVE_INFINITY);
  const start = performance.now();
  let sent = 0;
  while (sent < limit) {
    const due =
      rate > 0 ? Math.min(limit, Math.floor(((performance.now() - start) * rate) / 1000) + 1) : limit;
    let batch = '';
    while (sent < due) {
      batch += plan.render(sent++);
      if (batch.length >= BATCH_CHARS) {
        if (!(await write(batch))) return 'closed';
        batch = '';
      }
    }
    if (batch !== '' && !(await write(batch))) return 'closed';
    if (sent < limit && !(await pause(start + (sent * 1000) / rate - performance.now()))) return 'closed';
  }

  if (plan.interrupt === undefined) {
    res.end(plan.finish());
    return 'completed';
  }
  res.flushHeaders(); // `headersSent` is already true after writeHead, though nothing left yet
  if (plan.interrupt.mode === 'stall') {
    await new Promise<void>((resolve) =>
      gone.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    return 'closed';
  }
  await Promise.race([lastWrite, new Promise((resolve) => gone.signal.addEventListener('abort', resolve))]);
  plan.onCut?.();
  const socket = res.socket;
  if (socket) socket.end(() => socket.destroy());
  else res.destroy();
  return 'cut';
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
