import { AsyncQueue } from '../../shared/async-queue.js';

/** Most entries a slow `tail()` reader may fall behind by; older ones are dropped for it. */
const MAX_BACKLOG = 10_000;

/** Fan-out of appended entries to live readers: each read ends on abort or `endAll`, leaving no listener. */
export class LiveEntries<T> {
  private readonly readers = new Set<AsyncQueue<T>>();

  get size(): number {
    return this.readers.size;
  }

  publish(item: T): void {
    for (const reader of this.readers) reader.push(item);
  }

  /** A closing log still hands over what was appended; an aborted reader wants nothing more. */
  endAll(): void {
    for (const reader of [...this.readers]) reader.end();
  }

  /** Subscribes at once (not at the first `next()`), so nothing appended after this call is missed. */
  subscribe(signal: AbortSignal): AsyncIterable<T> {
    const reader = new AsyncQueue<T>({ limit: MAX_BACKLOG, signal });
    if (reader.open) {
      this.readers.add(reader);
      reader.onClose(() => this.readers.delete(reader));
    }
    return reader;
  }
}
