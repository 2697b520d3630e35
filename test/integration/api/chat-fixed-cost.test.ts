import { ClientRequest, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGatewayKey, gatewayKeysPath } from '../../../src/adapters/gateway/gateway-keys-file.js';
import type { StoreRequest } from '../../../src/adapters/store/worker-protocol.js';
import { fakeSettled } from '../../fixtures/index.js';
import { postChat, readSse, startWorld, summarise, type World } from './support.js';

/**
 * What every chat costs the server before its first token, counted rather than timed (bench rows 2,
 * 12a, 12b and 13b measure the time): the request body read once, no web stream built for it; one
 * provider connection kept alive across chats; the provider's request in one body with a length;
 * one store message before a stored chat's first token, and its streamed text written in batches,
 * not per token.
 */

const LONG_ANSWER = Array.from({ length: 2000 }, (_, index) => `w${index} `).join('');

let world: World;
beforeAll(async () => {
  world = await startWorld({
    history: true,
    ollama: {
      models: ['llama3.2', 'long', 'stall'],
      behaviour: (request) => (request.model === 'long' ? { text: LONG_ANSWER } : { text: 'Hello there.' }),
      // One token, then nothing until the chat is stopped: what came before the first token is all there is.
      faults: { stall: { stallAfter: 1 } },
    },
  });
});
afterAll(() => world.close());
afterEach(() => {
  vi.restoreAllMocks();
});

const chat = async (body: Record<string, unknown>) => {
  const { events } = await readSse(await postChat(world, body));
  await fakeSettled(world.ollama);
  return summarise(events);
};

describe("a chat request's body", () => {
  it('is read without building a web stream of it (POST /chat)', async () => {
    await chat({ prompt: 'warm up' });
    const toWeb = vi.spyOn(Readable, 'toWeb');
    const result = await chat({ prompt: 'hi' });
    expect(result.last?.event).toBe('done');
    expect(toWeb).not.toHaveBeenCalled();
  });

  it('is read without building a web stream of it (POST /v1/chat/completions)', async () => {
    const key = await createGatewayKey(gatewayKeysPath(world.settingsPath), 'fixed-cost');
    const send = () =>
      fetch(`${world.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          model: 'fake_ollama/llama3.2',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      }).then((response) => response.text());
    await send();
    const toWeb = vi.spyOn(Readable, 'toWeb');
    expect(await send()).toContain('data: [DONE]');
    expect(toWeb).not.toHaveBeenCalled();
  });
});

describe("the provider's side of a chat", () => {
  it('keeps one connection to the provider alive across chats', async () => {
    await chat({ prompt: 'warm up' });
    const before = world.ollama.stats.connections;
    for (let i = 0; i < 5; i++) expect((await chat({ prompt: `chat ${i}` })).last?.event).toBe('done');
    expect(world.ollama.stats.connections).toBe(before);
  });

  it('sends a chat without images to Ollama in one body with a content-length, not chunked', async () => {
    await chat({ prompt: 'how long is this?' });
    const sent = world.ollama.requests.filter((request) => request.path === '/api/chat').at(-1);
    expect(sent?.headers['transfer-encoding']).toBeUndefined();
    expect(Number(sent?.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(sent?.body)));
  });
});

describe("a chat's response", () => {
  it('leaves in one write with its headers and start event, then one per token', async () => {
    const writes: string[] = [];
    const sockets = Socket.prototype as unknown as Record<
      '_write' | '_writev',
      (...args: unknown[]) => unknown
    >;
    for (const method of ['_write', '_writev'] as const) {
      const original = sockets[method];
      vi.spyOn(sockets, method).mockImplementation(function (this: Socket, ...args: unknown[]) {
        if (this.localPort === world.port) writes.push(method);
        return original.apply(this, args);
      });
    }
    let before = -1;
    let chatId = '';
    const { events } = await readSse(await postChat(world, { prompt: 'hi', model_id: 'stall' }), (event) => {
      if (event.event === 'start') chatId = (event.data as { chat_id: string }).chat_id;
      if (before === -1 && event.event === 'message') {
        before = writes.length;
        world.core.chats.stop(chatId);
      }
    });
    await fakeSettled(world.ollama);
    expect(events[0]?.event).toBe('start');
    expect(before).toBe(2);
  });
});

describe("a chat's response and its provider request", () => {
  /** What the server did first for one chat: its response's headers, or its provider's request. */
  async function firstOf(body: Record<string, unknown>): Promise<string[]> {
    const order: string[] = [];
    const writeHead = ServerResponse.prototype.writeHead;
    vi.spyOn(ServerResponse.prototype, 'writeHead').mockImplementation(function (
      this: ServerResponse,
      ...args: unknown[]
    ) {
      if (this.req.url === '/chat') order.push('response');
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    });
    const end = ClientRequest.prototype.end;
    vi.spyOn(ClientRequest.prototype, 'end').mockImplementation(function (
      this: ClientRequest,
      ...args: unknown[]
    ) {
      if (this.path === '/api/chat') order.push('provider');
      return (end as (...a: unknown[]) => ClientRequest).apply(this, args);
    });
    const result = await chat(body);
    vi.restoreAllMocks();
    expect(result.last?.event).toBe('done');
    return order;
  }

  it("sends a stored chat's provider request before it sets up the response, which a stateless chat's waits for", async () => {
    await chat({ conversation_id: 'new', prompt: 'warm up' });
    // A stateless chat asks its provider once its response is there to take the answer.
    expect(await firstOf({ prompt: 'hi' })).toEqual(['response', 'provider']);
    // A stored chat asked it as its turn was written: the response is set up after it has left.
    expect(await firstOf({ conversation_id: 'new', prompt: 'hi' })).toEqual(['provider', 'response']);
  });
});

describe("a stored chat's messages to the store's worker", () => {
  /** The operations the main thread posts to the store's worker from now on (a live list). */
  function watchStoreOps(): string[] {
    const ops: string[] = [];
    const post = Worker.prototype.postMessage;
    vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker, message, transfer) {
      const op = (message as Partial<StoreRequest> | null)?.op;
      if (typeof op === 'string') ops.push(op);
      return post.call(this, message, transfer);
    });
    return ops;
  }

  /**
   * A chat to the stalling model, stopped at its first token: the store operations posted before
   * that token, and all of them once the chat has ended (it must end `done`).
   */
  async function stoppedAtFirstToken(
    body: Record<string, unknown>,
  ): Promise<{ ops: string[]; before: string[] }> {
    const ops = watchStoreOps();
    const before: string[] = [];
    const response = await postChat(world, body);
    let chatId = '';
    const { events } = await readSse(response, (event) => {
      if (event.event === 'start') chatId = (event.data as { chat_id: string }).chat_id;
      if (before.length === 0 && event.event === 'message') {
        before.push(...ops);
        world.core.chats.stop(chatId);
      }
    });
    await fakeSettled(world.ollama);
    expect(events.at(-1)?.event).toBe('done');
    return { ops, before };
  }

  it('writes the turn in one message before the first token', async () => {
    const { ops, before } = await stoppedAtFirstToken({
      conversation_id: 'new',
      prompt: 'hi',
      model_id: 'stall',
    });
    expect(before).toEqual(['addTurn']);
    // Stopped: the text so far, in the turn's final write.
    expect(ops.at(-1)).toBe('updateMessage');
  });

  it('continues a stored conversation with one read and one write before the first token', async () => {
    const first = await chat({ conversation_id: 'new', prompt: 'hi' });
    const conversationId = (first.last?.data as { conversation_id?: string } | undefined)?.conversation_id;
    expect(conversationId).toBeDefined();
    const second = await chat({ conversation_id: conversationId, prompt: 'and again' });
    expect(second.last?.event).toBe('done');
    const { before } = await stoppedAtFirstToken({
      conversation_id: conversationId,
      prompt: 'more',
      model_id: 'stall',
    });
    expect(before).toEqual(['turnContext', 'addTurn']);
    // The history sent is the whole branch, as before.
    const sent = world.ollama.requests.filter((request) => request.path === '/api/chat').at(-1);
    const messages = (sent?.body as { messages?: { content: string }[] } | undefined)?.messages ?? [];
    expect(messages.map((message) => message.content)).toEqual([
      'hi',
      'Hello there.',
      'and again',
      'Hello there.',
      'more',
    ]);
  });

  it("writes a fast answer's 2,000 tokens in at most a few messages, not one per token", async () => {
    const ops = watchStoreOps();
    const result = await chat({ conversation_id: 'new', prompt: 'a long one', model_id: 'long' });
    expect(result.text).toBe(LONG_ANSWER);
    expect(ops.filter((op) => op === 'addTurn')).toHaveLength(1);
    // The text so far at most once a second, then the final write: a flat-out answer takes far
    // less than the seconds this allows on a loaded machine.
    expect(ops.filter((op) => op === 'updateMessage').length).toBeLessThanOrEqual(4);
    expect(ops.length).toBeLessThanOrEqual(5);
  });
});
