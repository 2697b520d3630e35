import { describe, expect, it } from 'vitest';
import { LiveEntries } from '../../../src/adapters/logs/live-entries.js';

describe('live log readers', () => {
  it('leave no listener behind when aborted, even while waiting', async () => {
    const live = new LiveEntries<number>();
    const controller = new AbortController();
    const iterator = live.subscribe(controller.signal)[Symbol.asyncIterator]();
    expect(live.size).toBe(1);
    const waiting = iterator.next();
    controller.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(live.size).toBe(0);
  });

  it('leave no listener behind when the reader stops early', async () => {
    const live = new LiveEntries<number>();
    const signal = new AbortController().signal;
    const reading = (async () => {
      for await (const item of live.subscribe(signal)) if (item === 2) break;
    })();
    live.publish(1);
    live.publish(2);
    await reading;
    expect(live.size).toBe(0);
  });

  it('end at once for an already aborted signal', async () => {
    const live = new LiveEntries<number>();
    const items = [];
    for await (const item of live.subscribe(AbortSignal.abort())) items.push(item);
    expect(items).toEqual([]);
    expect(live.size).toBe(0);
  });
});
