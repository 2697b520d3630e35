import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenJoiner, TRPC_JOIN_WINDOW_MS } from '../../src/adapters/api/token-joiner.js';
import type { ChatEvent } from '../../src/domain/chat.js';

const token = (text: string): ChatEvent => ({ type: 'token', text });
const thinking = (text: string): ChatEvent => ({ type: 'thinking', text });
const done: ChatEvent = {
  type: 'done',
  finishReason: 'stop',
  providerId: 'p',
  modelId: 'm',
  usage: { promptTokens: 1, completionTokens: 9 },
  stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
};

/** A joiner whose hand-overs are recorded; `busy` makes the transport pause after each one. */
function joinerWith(windowMs: number, options: { busy?: boolean } = {}) {
  const batches: ChatEvent[][] = [];
  const joiner = new TokenJoiner({
    windowMs,
    now: () => Date.now(),
    deliver: (events) => {
      batches.push(events);
      if (options.busy) joiner.pause();
    },
  });
  return { joiner, batches };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the one token-joining rule (TokenJoiner)', () => {
  it('window 0 (REST): hands texts over as they come, and joins only what waits while the transport is paused', () => {
    const { joiner, batches } = joinerWith(0, { busy: true });
    joiner.push(token('A'));
    joiner.push(token('b'));
    joiner.push(token('c'));
    expect(batches).toEqual([[token('A')]]);
    joiner.resume();
    expect(batches).toEqual([[token('A')], [token('bc')]]);
  });

  it('never joins the first text onto what follows it, even when it had to wait', () => {
    const { joiner, batches } = joinerWith(0);
    joiner.pause();
    joiner.push(token('first'));
    joiner.push(token('second'));
    joiner.push(token('third'));
    joiner.resume();
    expect(batches).toEqual([[token('first'), token('secondthird')]]);
  });

  it(`window ${TRPC_JOIN_WINDOW_MS} ms (tRPC): the first text at once, then texts of one frame joined, none delayed longer`, () => {
    vi.useFakeTimers();
    const { joiner, batches } = joinerWith(TRPC_JOIN_WINDOW_MS);
    joiner.push(token('first'));
    expect(batches).toEqual([[token('first')]]);
    vi.advanceTimersByTime(5);
    joiner.push(token('a'));
    vi.advanceTimersByTime(5);
    joiner.push(token('b'));
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(TRPC_JOIN_WINDOW_MS - 10 - 1);
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([[token('first')], [token('ab')]]);
  });

  it('a text after a quiet frame is not delayed at all', () => {
    vi.useFakeTimers();
    const { joiner, batches } = joinerWith(TRPC_JOIN_WINDOW_MS);
    joiner.push(token('first'));
    vi.advanceTimersByTime(TRPC_JOIN_WINDOW_MS);
    joiner.push(token('later'));
    expect(batches).toEqual([[token('first')], [token('later')]]);
  });

  it('joins per kind, keeping the order of thinking and answer', () => {
    vi.useFakeTimers();
    const { joiner, batches } = joinerWith(TRPC_JOIN_WINDOW_MS);
    for (const event of [thinking('h'), thinking('m'), thinking('m'), token('Y'), token('es'), thinking('!')])
      joiner.push(event);
    vi.advanceTimersByTime(TRPC_JOIN_WINDOW_MS);
    expect(batches).toEqual([[thinking('h')], [thinking('mm'), token('Yes'), thinking('!')]]);
  });

  it('hands over `done` at once with what waited before it, even inside the window or while paused', () => {
    vi.useFakeTimers();
    const { joiner, batches } = joinerWith(TRPC_JOIN_WINDOW_MS);
    joiner.push(token('first'));
    joiner.push(token('a'));
    joiner.pause();
    joiner.push(token('b'));
    joiner.push(done);
    expect(batches).toEqual([[token('first')], [token('ab'), done]]);
    vi.advanceTimersByTime(100);
    expect(batches).toHaveLength(2);
  });

  it("joins into copies: the producer's events keep their text", () => {
    const { joiner } = joinerWith(0);
    const second = token('b');
    joiner.push(token('a'));
    joiner.pause();
    joiner.push(second);
    joiner.push(token('c'));
    expect(second).toEqual(token('b'));
  });
});
