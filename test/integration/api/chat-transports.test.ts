import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppRouter } from '../../../src/adapters/api/router.js';
import type { ChatEvent, LightChatClient } from '../../../src/client/index.js';
import { createLightChatClient, errorCodeOf, streamChat } from '../../../src/client/index.js';
import { FAKE_OLLAMA_ANSWER } from '../../fixtures/index.js';
import { authHeader, postChat, readSse, startWorld, type World } from './support.js';

const SLOW_ANSWER = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');

let world: World;
let client: LightChatClient;
beforeAll(async () => {
  world = await startWorld({
    history: true,
    ollama: {
      models: ['llama3.2', 'slow'],
      behaviour: (request) =>
        request.model === 'slow' ? { text: SLOW_ANSWER, tokensPerSecond: 40 } : { text: FAKE_OLLAMA_ANSWER },
    },
  });
  client = createLightChatClient({ url: world.url, token: world.token });
});
afterAll(() => world.close());

/** Every event of a chat over tRPC, from `after` on, until it completes. */
function events(chatId: string, after?: number): Promise<ChatEvent[]> {
  const seen: ChatEvent[] = [];
  return new Promise((resolve, reject) => {
    client.chat.events.subscribe(after === undefined ? { chatId } : { chatId, after }, {
      onData: (event) => seen.push(event),
      onError: reject,
      onComplete: () => resolve(seen),
    });
  });
}

const textOf = (all: readonly ChatEvent[]) =>
  all.map((event) => (event.type === 'token' ? event.text : '')).join('');

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('one chat engine for every transport (CONTRACT sections 5 and 10)', () => {
  it('chat.start takes a stored send like POST /chat: ids in its answer, on `start`, and on `done`', async () => {
    const started = await client.chat.start.mutate({ conversationId: 'new', prompt: 'Name a colour' });
    expect(started).toMatchObject({
      chatId: expect.any(String),
      providerId: 'fake_ollama',
      modelId: 'llama3.2',
      conversationId: expect.any(String),
      userMessageId: expect.any(String),
      assistantMessageId: expect.any(String),
    });
    const all = await events(started.chatId);
    expect(all[0]).toMatchObject({
      type: 'start',
      seq: 1,
      chatId: started.chatId,
      conversationId: started.conversationId,
      userMessageId: started.userMessageId,
      assistantMessageId: started.assistantMessageId,
    });
    expect(textOf(all)).toBe(FAKE_OLLAMA_ANSWER);
    expect(all.at(-1)).toMatchObject({
      type: 'done',
      conversationId: started.conversationId,
      messageId: started.assistantMessageId,
    });
    const stored = await client.conversations.get.query({ id: started.conversationId as string });
    expect(stored.messages.map((m) => [m.content, m.status])).toEqual([
      ['Name a colour', 'done'],
      [FAKE_OLLAMA_ANSWER, 'done'],
    ]);

    // after / regenerateOf, as over REST.
    const next = await client.chat.start.mutate({
      conversationId: started.conversationId,
      after: started.assistantMessageId,
      prompt: 'Another',
    });
    expect((await events(next.chatId)).at(-1)?.type).toBe('done');
    const again = await client.chat.start.mutate({
      conversationId: started.conversationId,
      regenerateOf: next.assistantMessageId,
    });
    expect((await events(again.chatId)).at(-1)?.type).toBe('done');
    const tree = await client.conversations.get.query({ id: started.conversationId as string });
    expect(tree.conversation.messageCount).toBe(5);
    expect(tree.messages.at(-1)?.siblingIds).toHaveLength(2);
  });

  it('refuses over tRPC what REST refuses, with the same codes', async () => {
    const codes = async (input: Parameters<LightChatClient['chat']['start']['mutate']>[0]) => {
      const body = Object.fromEntries(
        Object.entries(input).map(([key, value]) => [
          key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
          value,
        ]),
      );
      const rest = await postChat(world, body);
      return [errorCodeOf(await rejection(client.chat.start.mutate(input))), (await rest.json()).error_code];
    };
    expect(await codes({ conversationId: 'new', messages: [{ role: 'user', content: 'x' }] })).toEqual([
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
    ]);
    expect(await codes({ prompt: 'x', messages: [{ role: 'user', content: 'x' }] })).toEqual([
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
    ]);
    expect(await codes({ conversationId: '0190a0a0-0000-7000-8000-000000000000', prompt: 'x' })).toEqual([
      'CONVERSATION_NOT_FOUND',
      'CONVERSATION_NOT_FOUND',
    ]);
    const first = await client.chat.start.mutate({ conversationId: 'new', prompt: 'q' });
    await events(first.chatId);
    expect(
      await codes({
        conversationId: first.conversationId as string,
        regenerateOf: first.userMessageId as string,
      }),
    ).toEqual(['VALIDATION_ERROR', 'VALIDATION_ERROR']);
  });

  it('a stored chat started over REST goes on when its client leaves, and is re-attached over tRPC', async () => {
    const leave = new AbortController();
    const response = await postChat(
      world,
      { conversation_id: 'new', prompt: 'Count', model_id: 'slow' },
      {
        signal: leave.signal,
      },
    );
    let chatId = '';
    await readSse(response, (event) => {
      if (event.event === 'start') chatId = (event.data as { chat_id: string }).chat_id;
      if (event.event === 'message') leave.abort();
    }).catch(() => undefined);
    expect(chatId).not.toBe('');
    // The same id on another transport: the one registry knows it, and replays it from the start.
    const all = await events(chatId, 0);
    expect(all[0]).toMatchObject({ type: 'start', chatId });
    expect(textOf(all)).toBe(SLOW_ANSWER);
    expect(all.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
  });

  it('a chat started through another router on the same core (the desktop IPC router) is found over HTTP', async () => {
    const ipc = createAppRouter(world.core).createCaller({});
    const started = await ipc.chat.start({ prompt: 'hi' });
    const all = await events(started.chatId);
    expect(all[0]).toEqual({ type: 'start', seq: 1, chatId: started.chatId });
    expect(textOf(all)).toBe(FAKE_OLLAMA_ANSWER);
  });

  it('streamChat surfaces the start event first', async () => {
    const seen: ChatEvent[] = [];
    for await (const event of streamChat(client, { prompt: 'hi' })) seen.push(event);
    expect(seen[0]).toMatchObject({ type: 'start', chatId: expect.any(String) });
    expect(seen.at(-1)?.type).toBe('done');
  });

  it('history.enabled: false applies live: a new conversation is then temporary, nothing stored', async () => {
    const config = await client.config.get.query();
    await client.config.update.mutate({ ...config, history: { ...config.history, enabled: false } });
    try {
      const response = await postChat(world, { conversation_id: 'new', prompt: 'private' });
      const { events: sse } = await readSse(response);
      const id = (sse[0]!.data as { conversation_id: string }).conversation_id;
      expect(sse.at(-1)?.event).toBe('done');
      const status = await client.conversations.status.query();
      expect(status).toMatchObject({ available: false, reason: 'disabled' });
      const temporary = await client.conversations.get.query({ id });
      expect(temporary.conversation.temporary).toBe(true);
    } finally {
      const now = await client.config.get.query();
      await client.config.update.mutate({ ...now, history: { ...now.history, enabled: true } });
    }
    const list = await fetch(`${world.url}/conversations`, { headers: authHeader(world.token) });
    expect(list.status).toBe(200);
    expect((await list.json()).items.map((c: { title: string }) => c.title)).not.toContain('private');
  });
});
