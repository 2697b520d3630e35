import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHAT_IDLE_MS, ChatRegistry } from '../../../src/adapters/api/chat-registry.js';
import type { ChatEvent } from '../../../src/domain/chat.js';
import { AppError } from '../../../src/domain/errors.js';
import type { ChatService, PreparedChat } from '../../../src/domain/services/chat-service.js';
import { waitFor } from '../../fixtures/wait-for.js';

const ask = { prompt: 'Hi' };

/**
 * A ChatService stand-in: prepare resolves at once; stream yields two tokens, then done (stopped when
 * aborted). `streamed` holds each stream's signal, `closed` counts the streams whose `finally` ran.
 */
function fakeChat() {
  const streamed: AbortSignal[] = [];
  const state = { closed: 0 };
  const chat = {
    async prepare() {
      return { providerId: 'p', modelId: 'm' } as PreparedChat;
    },
    async *stream(_: PreparedChat, signal: AbortSignal): AsyncGenerator<ChatEvent> {
      streamed.push(signal);
      try {
        yield { type: 'token', text: 'a' };
        await new Promise((resolve) => setTimeout(resolve, 5));
        yield { type: 'token', text: 'b' };
        yield {
          type: 'done',
          finishReason: signal.aborted ? 'stopped' : 'stop',
          providerId: 'p',
          modelId: 'm',
          usage: { promptTokens: 1, completionTokens: 2 },
          stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
        };
      } finally {
        state.closed += 1;
      }
    },
  };
  return { chat: chat as unknown as ChatService, streamed, state };
}

/** One turn of the event loop: what `start` left for after its answer (asking the provider) has run. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A ChatService stand-in: one token, then (once `burst` opens) `texts` one after another, then done. */
function burstChat(burst: Promise<void>, texts: ChatEvent[]) {
  const state = { allYielded: false };
  const chat = {
    async prepare() {
      return { providerId: 'p', modelId: 'm' } as PreparedChat;
    },
    async *stream(): AsyncGenerator<ChatEvent> {
      yield { type: 'token', text: 'first ' };
      await burst;
      yield* texts;
      state.allYielded = true; // the pump has taken every text; the done below goes the same way
      yield {
        type: 'done',
        finishReason: 'stop',
        providerId: 'p',
        modelId: 'm',
        usage: { promptTokens: 1, completionTokens: texts.length + 1 },
        stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
      };
    },
  };
  return { chat: chat as unknown as ChatService, state };
}

/** Takes the first event, opens the burst, lets it pile up (a busy subscriber), then takes the rest. */
async function firstThenRest(texts: ChatEvent[]) {
  let openBurst = () => {};
  const burst = new Promise<void>((resolve) => {
    openBurst = resolve;
  });
  const { chat, state } = burstChat(burst, texts);
  const registry = new ChatRegistry({ chat });
  const { chatId } = await registry.start(ask);
  const events = registry.events(chatId);
  expect((await events.next()).value).toMatchObject({ type: 'start', chatId, seq: 1 });
  // Taken while the chat still waits for the burst: the first token was not held back.
  const first = withoutSeq((await events.next()).value as ChatEvent);
  openBurst();
  await waitFor(() => state.allYielded, 'the whole burst waits for the subscriber');
  const rest = await collect({ [Symbol.asyncIterator]: () => events });
  return { first, rest };
}

/** The events after `start`, without their sequence numbers (tests of joining and ending). */
const collect = async (events: AsyncIterable<ChatEvent>) => {
  const all: ChatEvent[] = [];
  for await (const event of events) if (event.type !== 'start') all.push(withoutSeq(event));
  return all;
};

const withoutSeq = (event: ChatEvent): ChatEvent => {
  const { seq: _, ...rest } = event as ChatEvent & { seq?: number };
  return rest as ChatEvent;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('ChatRegistry', () => {
  it('drops a started chat nobody subscribes to within 10 s: its id is then CHAT_NOT_FOUND', async () => {
    vi.useFakeTimers();
    const { chat, streamed, state } = fakeChat();
    const registry = new ChatRegistry({ chat });
    const { chatId } = await registry.start(ask);
    expect(CHAT_IDLE_MS).toBe(10_000);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(registry.size).toBe(1);
    // The provider was asked ahead; the drop stops that request and closes its stream.
    expect(streamed.map((signal) => signal.aborted)).toEqual([false]);
    await vi.advanceTimersByTimeAsync(1);
    expect(registry.size).toBe(0);
    expect(() => registry.events(chatId)).toThrow(expect.objectContaining({ code: 'CHAT_NOT_FOUND' }));
    expect(streamed.map((signal) => signal.aborted)).toEqual([true]);
    await vi.waitFor(() => expect(state.closed).toBe(1));
  });

  it('asks the provider at start, before anyone subscribes; the subscriber gets the whole answer from its first token', async () => {
    const { chat, streamed } = fakeChat();
    const registry = new ChatRegistry({ chat });
    const { chatId } = await registry.start(ask);
    await nextTurn();
    expect(streamed).toHaveLength(1);
    const events = await collect(registry.events(chatId));
    expect(events.map((event) => (event.type === 'token' ? event.text : event.type))).toEqual([
      'a',
      'b',
      'done',
    ]);
    // One provider request: the subscriber took over the stream asked ahead.
    expect(streamed).toHaveLength(1);
    expect(streamed[0]?.aborted).toBe(false);
  });

  it('a chat asked ahead and stopped before its subscriber came: the request is aborted and its stream closed', async () => {
    const { chat, streamed, state } = fakeChat();
    const registry = new ChatRegistry({ chat });
    const stopped = await registry.start(ask);
    await nextTurn();
    expect(registry.stop(stopped.chatId)).toBe(true);
    expect(streamed[0]?.aborted).toBe(true);
    await vi.waitFor(() => expect(state.closed).toBe(1));
    expect(() => registry.events(stopped.chatId)).toThrow(
      expect.objectContaining({ code: 'CHAT_NOT_FOUND' }),
    );

    // Closing the registry does the same for a chat asked ahead.
    await registry.start(ask);
    await nextTurn();
    await registry.close();
    expect(streamed[1]?.aborted).toBe(true);
    await vi.waitFor(() => expect(state.closed).toBe(2));
    expect(registry.size).toBe(0);
  });

  it('a provider failure while nobody listens yet reaches the subscriber as its error event', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const chat = {
        async prepare() {
          return { providerId: 'p', modelId: 'm' } as PreparedChat;
        },
        // biome-ignore lint/correctness/useYield: fails before its first event, as a refused request does
        async *stream(): AsyncGenerator<ChatEvent> {
          throw new AppError('PROVIDER_UNREACHABLE', 'down');
        },
      } as unknown as ChatService;
      const registry = new ChatRegistry({ chat });
      const { chatId } = await registry.start(ask);
      await nextTurn();
      await nextTurn();
      const events = await collect(registry.events(chatId));
      expect(events).toEqual([expect.objectContaining({ type: 'error', errorCode: 'PROVIDER_UNREACHABLE' })]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a chat whose subscriber is there at once (REST) is streamed once, not asked ahead as well', async () => {
    const { chat, streamed } = fakeChat();
    const registry = new ChatRegistry({ chat });
    const { chatId } = await registry.start(ask);
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      registry.attach(chatId, {
        push: (event) => {
          seen.push(event.type);
          if (event.type === 'done') resolve();
        },
      });
    });
    await nextTurn();
    expect(seen).toEqual(['start', 'token', 'token', 'done']);
    expect(streamed).toHaveLength(1);
  });

  it('runs a chat for exactly one subscriber; a finished id is CHAT_NOT_FOUND', async () => {
    const { chat } = fakeChat();
    const registry = new ChatRegistry({ chat });
    const { chatId, providerId, modelId } = await registry.start(ask);
    expect([providerId, modelId]).toEqual(['p', 'm']);
    const events = registry.events(chatId);
    expect(() => registry.events(chatId)).toThrow(expect.objectContaining({ code: 'CHAT_NOT_FOUND' }));
    expect((await collect(events)).map((event) => event.type)).toEqual(['token', 'token', 'done']);
    expect(() => registry.events(chatId)).toThrow(expect.objectContaining({ code: 'CHAT_NOT_FOUND' }));
  });

  it('stops a chat when its subscriber leaves (the signal aborts)', async () => {
    const { chat, streamed } = fakeChat();
    const registry = new ChatRegistry({ chat });
    const { chatId } = await registry.start(ask);
    const leave = new AbortController();
    const seen: ChatEvent[] = [];
    for await (const event of registry.events(chatId, leave.signal)) {
      seen.push(event);
      if (event.type !== 'start') leave.abort();
    }
    expect(streamed[0]?.aborted).toBe(true);
    expect(seen.at(-1)).toEqual(expect.objectContaining({ type: 'done', finishReason: 'stopped' }));
  });

  it('a sink that leaves on the terminal event (REST SSE) stops nothing: the finished chat is not aborted', async () => {
    const { chat, streamed } = fakeChat();
    const registry = new ChatRegistry({ chat });
    const { chatId } = await registry.start(ask);
    const seen: string[] = [];
    let detach = () => {};
    await new Promise<void>((resolve) => {
      detach = registry.attach(chatId, {
        push: (event) => {
          seen.push(event.type);
          if (event.type !== 'done') return;
          detach();
          resolve();
        },
      });
    });
    expect(seen).toEqual(['start', 'token', 'token', 'done']);
    // An abort here built an AbortError and ran the chat's abort listeners for a chat already over.
    expect(streamed[0]?.aborted).toBe(false);
  });

  it('ends streaming chats with SERVER_SHUTTING_DOWN and refuses new ones when the host closes', async () => {
    const { chat } = fakeChat();
    const closing = new AbortController();
    const registry = new ChatRegistry({ chat, closing: closing.signal });
    const { chatId } = await registry.start(ask);
    const seen: ChatEvent[] = [];
    for await (const event of registry.events(chatId)) {
      seen.push(event);
      if (event.type !== 'start') closing.abort();
    }
    expect(seen.at(-1)).toEqual(
      expect.objectContaining({ type: 'error', errorCode: 'SERVER_SHUTTING_DOWN' }),
    );
    await expect(registry.start(ask)).rejects.toMatchObject({ code: 'SERVER_SHUTTING_DOWN' });
  });

  it('a started chat nobody subscribes to leaves nothing behind', async () => {
    vi.useFakeTimers();
    const registry = new ChatRegistry({ chat: fakeChat().chat });
    await registry.start(ask);
    expect(registry.size).toBe(1);
    await vi.advanceTimersByTimeAsync(CHAT_IDLE_MS);
    expect(registry.size).toBe(0);
  });

  it('a subscription dropped before its first pull leaves nothing behind, and never reaches the provider', async () => {
    vi.useFakeTimers();
    const { chat, streamed } = fakeChat();
    const registry = new ChatRegistry({ chat });
    const left = await registry.start(ask);
    // The transport asked for the events, then the subscriber left before pulling once.
    await registry.events(left.chatId).return(undefined);
    await vi.advanceTimersByTimeAsync(CHAT_IDLE_MS);
    expect(registry.size).toBe(0);

    const stopped = await registry.start(ask);
    const events = registry.events(stopped.chatId);
    expect(registry.stop(stopped.chatId)).toBe(true);
    expect(registry.size).toBe(0);
    expect((await events.next()).done).toBe(true);
    expect(streamed).toHaveLength(0);
  });

  it('chat.events joins the tokens that come within one frame (16 ms); the first at once, usage untouched', async () => {
    vi.useFakeTimers();
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const chat = {
      async prepare() {
        return { providerId: 'p', modelId: 'm' } as PreparedChat;
      },
      async *stream(): AsyncGenerator<ChatEvent> {
        yield { type: 'token', text: 'first' };
        for (const text of ['a', 'b', 'c']) {
          await pause(5);
          yield { type: 'token', text };
        }
        await pause(30);
        yield { type: 'token', text: 'd' };
        yield {
          type: 'done',
          finishReason: 'stop',
          providerId: 'p',
          modelId: 'm',
          usage: { promptTokens: 1, completionTokens: 5 },
          stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
        };
      },
    } as unknown as ChatService;
    const registry = new ChatRegistry({ chat });
    const { chatId } = await registry.start(ask);
    const events = collect(registry.events(chatId));
    await vi.advanceTimersByTimeAsync(100);
    const all = await events;
    expect(all.map((event) => (event.type === 'token' ? event.text : event.type))).toEqual([
      'first',
      'abc',
      'd',
      'done',
    ]);
    expect(all.at(-1)).toMatchObject({ usage: { completionTokens: 5 } });
  });

  it('stop() answers whether there was a chat to stop', async () => {
    const { chat } = fakeChat();
    const registry = new ChatRegistry({ chat });
    const { chatId } = await registry.start(ask);
    expect(registry.stop(chatId)).toBe(true);
    expect(registry.stop(chatId)).toBe(false);
    expect(registry.stop('unknown')).toBe(false);
  });

  it('gives a subscriber that fell behind a burst as one token event, identical text; the first token at once', async () => {
    const texts: ChatEvent[] = Array.from({ length: 500 }, (_, i) => ({ type: 'token', text: `${i} ` }));
    const { first, rest } = await firstThenRest(texts);
    expect(first).toEqual({ type: 'token', text: 'first ' });
    expect(rest.map((event) => event.type)).toEqual(['token', 'done']);
    expect(rest[0]).toEqual({
      type: 'token',
      text: texts.map((event) => event.type === 'token' && event.text).join(''),
    });
  });

  it('joins only texts of one kind in a row: thinking and answer keep their order', async () => {
    const { rest } = await firstThenRest([
      { type: 'token', text: 'a' },
      { type: 'token', text: 'b' },
      { type: 'thinking', text: 'c' },
      { type: 'thinking', text: 'd' },
      { type: 'token', text: 'e' },
    ]);
    expect(rest.slice(0, -1)).toEqual([
      { type: 'token', text: 'ab' },
      { type: 'thinking', text: 'cd' },
      { type: 'token', text: 'e' },
    ]);
    expect(rest.filter((event) => event.type === 'done' || event.type === 'error')).toHaveLength(1);
  });
});
