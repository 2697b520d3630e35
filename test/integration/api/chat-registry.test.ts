import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHAT_IDLE_MS, ChatRegistry } from '../../../src/adapters/api/chat-registry.js';
import type { ChatEvent } from '../../../src/domain/chat.js';
import type { ChatService, PreparedChat } from '../../../src/domain/services/chat-service.js';
import { waitFor } from '../../fixtures/wait-for.js';

const ask = { prompt: 'Hi' };

/** A ChatService stand-in: prepare resolves at once; stream yields two tokens, then done (stopped when aborted). */
function fakeChat() {
  const streamed: AbortSignal[] = [];
  const chat = {
    async prepare() {
      return { providerId: 'p', modelId: 'm' } as PreparedChat;
    },
    async *stream(_: PreparedChat, signal: AbortSignal): AsyncGenerator<ChatEvent> {
      streamed.push(signal);
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
    },
  };
  return { chat: chat as unknown as ChatService, streamed };
}

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
    const { chat, streamed } = fakeChat();
    const registry = new ChatRegistry({ chat });
    const { chatId } = await registry.start(ask);
    expect(CHAT_IDLE_MS).toBe(10_000);
    vi.advanceTimersByTime(9_999);
    expect(registry.size).toBe(1);
    vi.advanceTimersByTime(1);
    expect(registry.size).toBe(0);
    expect(() => registry.events(chatId)).toThrow(expect.objectContaining({ code: 'CHAT_NOT_FOUND' }));
    expect(streamed).toHaveLength(0);
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
