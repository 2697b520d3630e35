/**
 * The one async queue: values pushed by callbacks, read in order by one consumer as an async
 * iterator. Pure TypeScript with no imports, in `src/shared/` so that every layer may use it (the
 * domain, the adapters, the Electron main process, the client package and the renderer).
 */
export interface AsyncQueueOptions {
  /** Most values kept for a consumer that falls behind; the oldest are dropped beyond it. */
  limit?: number;
  /** Aborting ends the queue at once, dropping what waits (the subscriber left). */
  signal?: AbortSignal;
}

export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  private state: 'open' | 'ended' | 'failed' = 'open';
  private failure: unknown;
  private wake: (() => void) | undefined;
  private readonly closers: (() => void)[] = [];

  constructor(private readonly options: AsyncQueueOptions = {}) {
    const { signal } = options;
    if (signal?.aborted) this.cancel();
    else if (signal) {
      const onAbort = () => this.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      this.onClose(() => signal.removeEventListener('abort', onAbort));
    }
  }

  /** False once ended, failed or cancelled: pushes are then ignored. */
  get open(): boolean {
    return this.state === 'open';
  }

  push(value: T): void {
    if (this.state !== 'open') return;
    this.values.push(value);
    if (this.options.limit !== undefined && this.values.length > this.options.limit) this.values.shift();
    this.notify();
  }

  /** No more values: the consumer gets what is queued, then the end. */
  end(): void {
    this.close('ended');
  }

  /** The consumer gets what is queued, then `error` is thrown. */
  fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.failure = error;
    this.close('failed');
  }

  /** Ends at once: what waits is dropped. */
  cancel(): void {
    this.values.length = 0;
    this.close('ended');
  }

  /** Runs `closer` once the queue takes no more values (at once if it already does not). */
  onClose(closer: () => void): void {
    if (this.state === 'open') this.closers.push(closer);
    else closer();
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.values.length > 0) return { value: this.values.shift() as T, done: false };
      if (this.state === 'failed') {
        this.state = 'ended';
        throw this.failure;
      }
      if (this.state === 'ended') return { value: undefined, done: true };
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** The consumer stopped early (`break`, an exception): the queue ends and drops what waits. */
  async return(): Promise<IteratorResult<T, undefined>> {
    this.cancel();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(state: 'ended' | 'failed'): void {
    if (this.state !== 'open') return;
    this.state = state;
    this.notify();
    for (const closer of this.closers.splice(0)) closer();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * A callback subscription (`subscribe(push)` returning its unsubscribe function) as a queue: it
 * subscribes at once, so nothing emitted after this call is missed, and unsubscribes when `signal`
 * aborts or the consumer stops. For tRPC subscriptions fed by listeners.
 */
export function subscriptionQueue<T>(
  subscribe: (push: (value: T) => void) => () => void,
  signal: AbortSignal,
  options: Omit<AsyncQueueOptions, 'signal'> = {},
): AsyncQueue<T> {
  const queue = new AsyncQueue<T>({ ...options, signal });
  if (!queue.open) return queue;
  const unsubscribe = subscribe((value) => queue.push(value));
  queue.onClose(unsubscribe);
  return queue;
}
