/** Most entries a slow `tail()` reader may fall behind by; older ones are dropped for it. */
const MAX_BACKLOG = 10_000;

interface Subscriber<T> {
  push(item: T): void;
  /** `deliverBacklog`: a closing log still hands over what was appended; an aborted reader wants nothing more. */
  end(deliverBacklog?: boolean): void;
}

/** Fan-out of appended entries to live readers: each read ends on abort or `endAll`, leaving no listener. */
export class LiveEntries<T> {
  private readonly subscribers = new Set<Subscriber<T>>();

  get size(): number {
    return this.subscribers.size;
  }

  publish(item: T): void {
    for (const subscriber of this.subscribers) subscriber.push(item);
  }

  endAll(): void {
    for (const subscriber of [...this.subscribers]) subscriber.end(true);
  }

  /** Subscribes at once (not at the first `next()`), so nothing appended after this call is missed. */
  subscribe(signal: AbortSignal): AsyncIterable<T> {
    const backlog: T[] = [];
    let ended = signal.aborted;
    let wake: (() => void) | null = null;
    const subscriber: Subscriber<T> = {
      push: (item) => {
        backlog.push(item);
        if (backlog.length > MAX_BACKLOG) backlog.shift();
        wake?.();
      },
      end: (deliverBacklog = false) => {
        ended = true;
        if (!deliverBacklog) backlog.length = 0;
        this.subscribers.delete(subscriber);
        signal.removeEventListener('abort', onAbort);
        wake?.();
      },
    };
    const onAbort = () => subscriber.end();
    if (!ended) {
      this.subscribers.add(subscriber);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    return {
      async *[Symbol.asyncIterator]() {
        try {
          while (!ended || backlog.length > 0) {
            if (backlog.length > 0) {
              yield backlog.shift()!;
              continue;
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
          }
        } finally {
          subscriber.end(); // also when the reader stops early (`break`)
        }
      },
    };
  }
}
