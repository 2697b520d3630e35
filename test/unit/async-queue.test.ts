import { describe, expect, it } from 'vitest';
import { AsyncQueue, subscriptionQueue } from '../../src/shared/async-queue.js';

const drain = async <T>(queue: AsyncIterable<T>) => {
  const values: T[] = [];
  for await (const value of queue) values.push(value);
  return values;
};

describe('AsyncQueue (the one callback-to-iterator queue)', () => {
  it('hands over pushed values in order, waiting only when none are queued, then ends', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    const reading = drain(queue);
    queue.push(2);
    queue.push(3);
    queue.end();
    queue.push(4); // after the end: ignored
    expect(await reading).toEqual([1, 2, 3]);
  });

  it('throws a failure after the values queued before it', async () => {
    const queue = new AsyncQueue<string>();
    queue.push('a');
    queue.fail(new Error('gone'));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const value of queue) seen.push(value);
      })(),
    ).rejects.toThrow('gone');
    expect(seen).toEqual(['a']);
  });

  it('keeps at most `limit` values for a reader that falls behind, dropping the oldest', async () => {
    const queue = new AsyncQueue<number>({ limit: 2 });
    for (const n of [1, 2, 3, 4]) queue.push(n);
    queue.end();
    expect(await drain(queue)).toEqual([3, 4]);
  });

  it('an abort ends a waiting reader at once and drops what waits; closers run once', async () => {
    const controller = new AbortController();
    const queue = new AsyncQueue<number>({ signal: controller.signal });
    let closed = 0;
    queue.onClose(() => closed++);
    const waiting = queue.next();
    controller.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    queue.end();
    expect(closed).toBe(1);
    expect(queue.open).toBe(false);
  });

  it('a reader that stops early (break) closes the queue', async () => {
    const queue = new AsyncQueue<number>();
    let closed = false;
    queue.onClose(() => {
      closed = true;
    });
    queue.push(1);
    queue.push(2);
    for await (const value of queue) if (value === 1) break;
    expect(closed).toBe(true);
  });
});

describe('subscriptionQueue', () => {
  function emitter() {
    const listeners = new Set<(value: string) => void>();
    return {
      listeners,
      emit: (value: string) => {
        for (const listener of listeners) listener(value);
      },
      subscribe: (push: (value: string) => void) => {
        listeners.add(push);
        return () => listeners.delete(push);
      },
    };
  }

  it('subscribes at once, so a value emitted before the first pull is not missed', async () => {
    const source = emitter();
    const controller = new AbortController();
    const queue = subscriptionQueue(source.subscribe, controller.signal);
    source.emit('early');
    expect((await queue.next()).value).toBe('early');
    controller.abort();
    expect(source.listeners.size).toBe(0);
  });

  it('leaves no listener behind when the reader stops early, or when the signal was already aborted', async () => {
    const source = emitter();
    const queue = subscriptionQueue(source.subscribe, new AbortController().signal);
    source.emit('a');
    for await (const _ of queue) break;
    expect(source.listeners.size).toBe(0);
    expect(await drain(subscriptionQueue(source.subscribe, AbortSignal.abort()))).toEqual([]);
    expect(source.listeners.size).toBe(0);
  });
});
