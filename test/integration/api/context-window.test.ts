import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, postChat, readSse, startWorld, summarise, type World } from './support.js';

/** Ollama's model `llama3.2` here says its context length is 4,096 tokens in /api/show. */
let world: World;
beforeAll(async () => {
  world = await startWorld({
    history: true,
    ollama: { models: [{ name: 'llama3.2', contextLength: 4096 }], behaviour: () => ({ text: 'Sure.' }) },
  });
});
afterAll(() => world.close());

const long = (tag: string) => `${tag} ${'word '.repeat(400)}`; // about 500 tokens
const lastChat = () =>
  world.ollama.requests.filter((request) => request.path === '/api/chat').at(-1)?.body as {
    messages: { content: string }[];
    options?: { num_ctx?: number };
  };

async function chat(body: unknown) {
  const response = await postChat(world, body);
  if (response.status !== 200) return { status: response.status, body: await response.json(), events: [] };
  const { events } = await readSse(response);
  return { status: 200, body: null, events, ...summarise(events) };
}

describe('the context window over REST (CONTRACT section 12)', () => {
  it("sends Ollama the model's context length as num_ctx and says nothing when all fits", async () => {
    const answer = await chat({ prompt: 'Hi' });
    expect(answer.events.map((event) => event.event)).not.toContain('truncated');
    expect(lastChat().options?.num_ctx).toBe(4096);
  });

  it('drops the oldest turns of a stored conversation to fit its num_ctx, with event: truncated and done.truncated', async () => {
    const first = await chat({ conversation_id: 'new', prompt: long('one') });
    const conversationId = (first.events[0]?.data as { conversation_id: string } | undefined)
      ?.conversation_id;
    await chat({ conversation_id: conversationId, prompt: long('two') });
    const patched = await fetch(`${world.url}/conversations/${conversationId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...authHeader(world.token) },
      body: JSON.stringify({ num_ctx: 1536 }),
    });
    expect(patched.status).toBe(200);
    const third = await chat({ conversation_id: conversationId, prompt: long('three') });
    const names = third.events.map((event) => event.event);
    expect(names.slice(0, 2)).toEqual(['start', 'truncated']);
    expect(third.events[1]?.data).toEqual({ dropped_messages: 2 });
    expect(third.events.at(-1)).toMatchObject({ event: 'done', data: { truncated: true } });
    const sent = lastChat();
    expect(sent.options?.num_ctx).toBe(1536);
    expect(sent.messages.map((message) => message.content.split(' ')[0])).toEqual(['two', 'Sure.', 'three']);
  });

  it('answers 400 CONTEXT_TOO_LONG before any stream when the newest message alone does not fit', async () => {
    const before = world.ollama.requests.filter((request) => request.path === '/api/chat').length;
    const answer = await chat({ prompt: 'x'.repeat(40_000) });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error_code: 'CONTEXT_TOO_LONG', details: { num_ctx: 4096 } });
    expect(world.ollama.requests.filter((request) => request.path === '/api/chat')).toHaveLength(before);
  });
});
