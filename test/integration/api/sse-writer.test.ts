import { EventEmitter } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatRegistry } from '../../../src/adapters/api/chat-registry.js';
import { answerChatAsSse, ChatSseWriter } from '../../../src/adapters/api/sse.js';
import { MemoryConversationStore } from '../../../src/adapters/store/memory-conversation-store.js';
import type { ChatEvent } from '../../../src/domain/chat.js';
import type { ChatService, PreparedChat } from '../../../src/domain/services/chat-service.js';
import { ConversationService } from '../../../src/domain/services/conversation-service.js';
import { AsyncQueue } from '../../../src/shared/async-queue.js';

/** A response whose socket pushes back while `full` is true, recording every write. */
class FakeSocketResponse extends EventEmitter {
  full = false;
  writes: string[] = [];
  destroyed = false;
  writableEnded = false;
  status = 0;
  writeHead(status: number) {
    this.status = status;
    return this;
  }
  flushHeaders() {}
  cork() {}
  uncork() {}
  write(chunk: string) {
    this.writes.push(chunk);
    return !this.full;
  }
  end(chunk: string) {
    this.writes.push(chunk);
    this.writableEnded = true;
  }
  drain() {
    this.full = false;
    this.emit('drain');
  }
  events() {
    const events: { event: string; data: unknown }[] = [];
    const parser = createParser({
      onEvent: (e) => events.push({ event: e.event ?? 'message', data: JSON.parse(e.data) }),
    });
    parser.feed(this.writes.join(''));
    return events;
  }
}

const writerFor = (fake: FakeSocketResponse, pingMs?: number) =>
  new ChatSseWriter(fake as unknown as ServerResponse, pingMs);

const token = (text: string): ChatEvent => ({ type: 'token', text });
const thinking = (text: string): ChatEvent => ({ type: 'thinking', text });
const done: ChatEvent = {
  type: 'done',
  finishReason: 'stop',
  providerId: 'p',
  modelId: 'm',
  usage: { promptTokens: 1, completionTokens: 2 },
  stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
};
const doneWire = {
  finish_reason: 'stop',
  provider_id: 'p',
  model_id: 'm',
  usage: { prompt_tokens: 1, completion_tokens: 2 },
  stats: { ttft_ms: 1, duration_ms: 2, tokens_per_s: 1 },
};

/**
 * A chat answered over the fake socket the way `POST /chat` does (through the registry, which starts
 * the stream with `start`); `chat.push` feeds its events.
 */
async function sseChat(fake: FakeSocketResponse) {
  const chat = new AsyncQueue<ChatEvent>();
  const signals: AbortSignal[] = [];
  const engine = {
    prepare: async () => ({ providerId: 'p', modelId: 'm' }) as PreparedChat,
    stream: (_: PreparedChat, signal: AbortSignal) => {
      signals.push(signal);
      return chat;
    },
  } as unknown as ChatService;
  const registry = new ChatRegistry({ chat: engine });
  const { chatId } = await registry.start({ prompt: 'x' });
  const answered = answerChatAsSse(fake as unknown as ServerResponse, registry, chatId);
  /** Lets the relay take what was pushed (it reads the chat asynchronously, as from a provider). */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const startFrame = `event: start\ndata: ${JSON.stringify({ chat_id: chatId })}\n\n`;
  return { chat, signals, answered, settle, startFrame, chatId };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a chat answered as SSE (ChatSseWriter + the joining rule, window 0)', () => {
  it('writes each token as its own event while the socket keeps up', async () => {
    const fake = new FakeSocketResponse();
    const { chat, answered, settle, startFrame } = await sseChat(fake);
    chat.push(token('Hel'));
    await settle();
    chat.push(token('lo'));
    chat.push(done);
    await answered;
    expect(fake.status).toBe(200);
    expect(fake.writes).toEqual([
      startFrame,
      'data: {"token":"Hel"}\n\n',
      'data: {"token":"lo"}\n\n',
      `event: done\ndata: ${JSON.stringify(doneWire)}\n\n`,
    ]);
  });

  it('never holds back the first token, and joins the tokens waiting behind a full socket into one event', async () => {
    const fake = new FakeSocketResponse();
    fake.full = true;
    const { chat, settle, startFrame, chatId } = await sseChat(fake);
    chat.push(token('A'));
    await settle();
    expect(fake.writes).toEqual([startFrame, 'data: {"token":"A"}\n\n']);
    for (const text of ['b', 'c', 'd']) chat.push(token(text));
    await settle();
    expect(fake.writes).toHaveLength(2);
    fake.drain();
    expect(fake.events()).toEqual([
      { event: 'start', data: { chat_id: chatId } },
      { event: 'message', data: { token: 'A' } },
      { event: 'message', data: { token: 'bcd' } },
    ]);
  });

  it('keeps thinking and answer apart, in order, when joining; the end is not held behind a full socket', async () => {
    const fake = new FakeSocketResponse();
    const { chat, answered, settle, chatId } = await sseChat(fake);
    fake.full = true;
    for (const event of [thinking('hm'), thinking('m'), token('Yes'), token('!'), done]) chat.push(event);
    await settle();
    await answered;
    expect(fake.events()).toEqual([
      { event: 'start', data: { chat_id: chatId } },
      { event: 'message', data: { thinking: 'hm' } },
      { event: 'message', data: { thinking: 'm' } },
      { event: 'message', data: { token: 'Yes!' } },
      { event: 'done', data: doneWire },
    ]);
  });

  it('the client leaving stops the chat', async () => {
    const fake = new FakeSocketResponse();
    const { signals, settle } = await sseChat(fake);
    await settle();
    fake.emit('close');
    expect(signals[0]?.aborted).toBe(true);
  });
});

describe('a chat answered as SSE over a real socket', () => {
  it('a stored chat that ended before its client attached still sends every event and the end', async () => {
    const engine = {
      prepare: async () => ({ providerId: 'p', modelId: 'm' }) as PreparedChat,
      async *stream(): AsyncGenerator<ChatEvent> {
        yield token('Hel');
        yield token('lo');
        yield done;
      },
    } as unknown as ChatService;
    const conversations = new ConversationService({
      store: new MemoryConversationStore(),
      temporary: new MemoryConversationStore(),
    });
    const registry = new ChatRegistry({ chat: engine, conversations });
    const { chatId } = await registry.start({ conversationId: 'new', prompt: 'Hi' });
    while (registry.size > 0) await new Promise((resolve) => setImmediate(resolve));
    // Its whole log goes out in the tick the client attaches (Node's `end` on a corked response
    // dropped all but the first write: the client got `start` and the stream ended without `done`).
    const server = createServer((_, res) => void answerChatAsSse(res, registry, chatId));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      const events: string[] = [];
      createParser({ onEvent: (e) => events.push(e.event ?? JSON.parse(e.data).token) }).feed(text);
      // An ended stored chat keeps its answer as one joined token event (the registry's copy).
      expect(events).toEqual(['start', 'Hello', 'done']);
    } finally {
      server.close();
    }
  });
});

describe('ChatSseWriter', () => {
  it('sends `: ping` on an idle stream, and nothing after the terminal event', () => {
    vi.useFakeTimers();
    const fake = new FakeSocketResponse();
    const writer = writerFor(fake, 15_000);
    vi.advanceTimersByTime(15_000);
    expect(fake.writes).toEqual([': ping\n\n']);
    writer.write([{ type: 'error', errorCode: 'PROVIDER_ERROR', message: 'm', details: {} }]);
    writer.write([token('late')]);
    vi.advanceTimersByTime(60_000);
    expect(fake.writes.at(-1)).toBe(
      'event: error\ndata: {"error_code":"PROVIDER_ERROR","message":"m","details":{}}\n\n',
    );
    expect(fake.writes).toHaveLength(2);
  });
});
