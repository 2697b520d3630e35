import { afterEach, describe, expect, it, vi } from 'vitest';
import { firstCommitReady, whenStore } from '../../src/renderer/first-commit';
import { createStore } from '../../src/renderer/state/store';

afterEach(() => {
  vi.useRealTimers();
});

const turns = async () => {
  for (let turn = 0; turn < 10; turn++) await Promise.resolve();
};

describe("the app's first commit", () => {
  it('waits for what the first screen shows, failures included, and no longer', async () => {
    vi.useFakeTimers();
    let answer: () => void = () => {};
    let fail: (error: Error) => void = () => {};
    let ready = false;
    void firstCommitReady(
      [new Promise<void>((resolve) => (answer = resolve)), new Promise<void>((_, reject) => (fail = reject))],
      400,
    ).then(() => {
      ready = true;
    });
    answer();
    await turns();
    expect(ready).toBe(false);
    fail(new Error('the list could not be loaded'));
    await turns();
    expect(ready).toBe(true);
  });

  it('does not wait past its limit for a slow server', async () => {
    vi.useFakeTimers();
    let ready = false;
    void firstCommitReady([new Promise(() => {})], 400).then(() => {
      ready = true;
    });
    await vi.advanceTimersByTimeAsync(399);
    expect(ready).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(ready).toBe(true);
  });

  it('knows when history has answered (a store that settles)', async () => {
    const history = createStore<'unknown' | 'available'>('unknown');
    let known = false;
    void whenStore(history, (state) => state !== 'unknown').then(() => {
      known = true;
    });
    await turns();
    expect(known).toBe(false);
    history.set('available');
    await turns();
    expect(known).toBe(true);
    await expect(whenStore(history, (state) => state === 'available')).resolves.toBeUndefined();
  });
});
