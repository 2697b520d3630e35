import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { persist, restore } from '../../src/renderer/state/session-storage';
import { createStore } from '../../src/renderer/state/store';

interface Chat {
  text: string;
  streaming: boolean;
}
const isChat = (value: unknown): value is Chat =>
  typeof value === 'object' && value !== null && typeof (value as Chat).text === 'string';

function setup() {
  const store = createStore<Chat>({ text: '', streaming: false });
  const items = new Map<string, string>();
  const setItem = vi.fn((key: string, value: string) => void items.set(key, value));
  const storage = { getItem: (key: string) => items.get(key) ?? null, setItem } as unknown as Storage;
  const target = new EventTarget();
  const stop = persist({
    store,
    storage,
    key: 'chat',
    delayMs: 100,
    holdWhile: (chat) => chat.streaming,
    target: target as unknown as Window,
  });
  return { store, storage, target, setItem, stop, saved: () => restore(storage, 'chat', isChat) };
}

describe('persist', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('saves a moment after a change', () => {
    const { store, saved, stop } = setup();
    store.set({ text: 'Hi', streaming: false });
    expect(saved()).toBeUndefined();
    vi.advanceTimersByTime(100);
    expect(saved()).toEqual({ text: 'Hi', streaming: false });
    stop();
  });

  it('writes nothing while an answer streams, then the whole answer once it ends', () => {
    const { store, saved, setItem, stop } = setup();
    for (let i = 1; i <= 50; i++) {
      store.set({ text: 'x'.repeat(i), streaming: true });
      vi.advanceTimersByTime(50);
    }
    expect(setItem).not.toHaveBeenCalled();
    store.set({ text: 'x'.repeat(50), streaming: false });
    vi.advanceTimersByTime(100);
    expect(setItem).toHaveBeenCalledTimes(1);
    expect(saved()).toEqual({ text: 'x'.repeat(50), streaming: false });
    stop();
  });

  it('saves at once when the page is hidden, even in the middle of a stream', () => {
    const { store, saved, target, stop } = setup();
    store.set({ text: 'partial', streaming: true });
    target.dispatchEvent(new Event('pagehide'));
    expect(saved()).toEqual({ text: 'partial', streaming: true });
    stop();
  });
});
