import { type FrameScheduler, nextFrame } from './stream-buffer';

export interface FrameBatch<T> {
  push(item: T): void;
  /** Drops what waits and hands on nothing more. */
  close(): void;
}

/**
 * Items that arrive one event at a time (log lines), handed on together at most once per frame:
 * one render per frame however many arrive, as `StreamBuffer` does for a chat's tokens.
 */
export function frameBatch<T>(
  onFlush: (items: T[]) => void,
  schedule: FrameScheduler = nextFrame,
): FrameBatch<T> {
  let items: T[] = [];
  let scheduled = false;
  let closed = false;
  return {
    push(item) {
      if (closed) return;
      items.push(item);
      if (scheduled) return;
      scheduled = true;
      schedule(() => {
        scheduled = false;
        if (closed || items.length === 0) return;
        const batch = items;
        items = [];
        onFlush(batch);
      });
    },
    close() {
      closed = true;
      items = [];
    },
  };
}
