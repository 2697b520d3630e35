import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './support.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({ history: true });
});
afterAll(() => world.close());

const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${world.url}${path}`, {
    method,
    headers: body === undefined ? world.auth : { 'content-type': 'application/json', ...world.auth },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
};

/** A stored exchange written through the service (POST /chat with conversation_id comes with the chat registry). */
async function storedExchange(prompt: string, answer: string) {
  const { conversations } = world.core;
  const plan = await conversations.planTurn({ conversationId: 'new', prompt });
  const turn = await conversations.beginTurn(
    plan,
    { providerId: 'fake_ollama', modelId: 'llama3.2' },
    { onError: () => {} },
  );
  turn.append({ type: 'token', text: answer });
  await turn.finish({
    type: 'done',
    finishReason: 'stop',
    providerId: 'fake_ollama',
    modelId: 'llama3.2',
    usage: { promptTokens: 3, completionTokens: 1 },
    stats: { ttftMs: 1, durationMs: 2, tokensPerS: 500 },
  });
  return turn;
}

describe('conversation routes (CONTRACT section 10)', () => {
  it('POST /conversations creates one (201, snake_case); GET lists it; PATCH renames and pins it', async () => {
    const created = await call('POST', '/conversations', { title: 'Groceries', system_prompt: 'Be brief.' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Groceries',
      system_prompt: 'Be brief.',
      temporary: false,
      message_count: 0,
    });
    const id = created.body.id as string;
    const patched = await call('PATCH', `/conversations/${id}`, { title: 'Food', pinned: true });
    expect(patched.body).toMatchObject({ id, title: 'Food', pinned: true });
    const list = await call('GET', '/conversations?limit=50');
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ id, title: 'Food', pinned: true });
    expect(list.body).toHaveProperty('next_cursor');
  });

  it('GET /conversations/{id} gives the branch root first, ?through= another one; DELETE a message with what follows', async () => {
    const turn = await storedExchange('What is 2+2?', 'Four.');
    const got = await call('GET', `/conversations/${turn.conversationId}`);
    expect(got.body.conversation).toMatchObject({
      id: turn.conversationId,
      title: 'What is 2+2?',
      message_count: 2,
    });
    expect(got.body.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'What is 2+2?'],
      ['assistant', 'Four.'],
    ]);
    expect(got.body.messages[1]).toMatchObject({
      status: 'done',
      usage: { prompt_tokens: 3, completion_tokens: 1 },
      sibling_ids: [turn.assistantMessageId],
    });
    const through = await call('GET', `/conversations/${turn.conversationId}?through=${turn.userMessageId}`);
    expect(through.body.messages).toHaveLength(2);
    const removed = await call(
      'DELETE',
      `/conversations/${turn.conversationId}/messages/${turn.assistantMessageId}`,
    );
    expect(removed.status).toBe(204);
    expect((await call('GET', `/conversations/${turn.conversationId}`)).body.messages).toHaveLength(1);
  });

  it('GET /conversations/{id}?last=N&before=<message id> gives a window of the branch and how many come earlier', async () => {
    const turn = await storedExchange('Window question', 'Window answer.');
    const id = turn.conversationId;
    const latest = await call('GET', `/conversations/${id}?last=1`);
    expect(latest.status).toBe(200);
    expect(latest.body.messages.map((m: { content: string }) => m.content)).toEqual(['Window answer.']);
    expect(latest.body.earlier).toBe(1);
    const before = await call('GET', `/conversations/${id}?last=5&before=${turn.assistantMessageId}`);
    expect(before.body.messages.map((m: { content: string }) => m.content)).toEqual(['Window question']);
    expect(before.body.earlier).toBe(0);
    // Without a window, the whole branch (as before), and nothing earlier.
    expect((await call('GET', `/conversations/${id}`)).body).toMatchObject({ earlier: 0 });
    expect(await call('GET', `/conversations/${id}?last=abc`)).toMatchObject({
      status: 400,
      body: { error_code: 'VALIDATION_ERROR' },
    });
    expect(await call('GET', `/conversations/${id}?last=0`)).toMatchObject({
      status: 422,
      body: { error_code: 'VALIDATION_ERROR' },
    });
    expect(
      await call('GET', `/conversations/${id}?last=2&before=0190a0a0-0000-7000-8000-000000000000`),
    ).toMatchObject({ status: 404, body: { error_code: 'MESSAGE_NOT_FOUND', details: { field: 'before' } } });
  });

  it('GET /search finds final messages, marked and escaped', async () => {
    await storedExchange('Tell me about <b>hippopotamus</b>', 'A hippopotamus is large.');
    const found = await call('GET', '/search?q=hippopotamus&limit=5');
    expect(found.status).toBe(200);
    expect(found.body.items.map((item: { snippet: string }) => item.snippet)).toContain(
      'A <mark>hippopotamus</mark> is large.',
    );
    expect(found.body.items[0]).toHaveProperty('conversation_title');
  });

  it('answers unknown and malformed ids, bad limits and a bare DELETE /conversations with clear errors', async () => {
    const unknown = await call('GET', '/conversations/0190a0a0-0000-7000-8000-000000000000');
    expect(unknown).toMatchObject({ status: 404, body: { error_code: 'CONVERSATION_NOT_FOUND' } });
    expect(await call('GET', '/conversations/nope')).toMatchObject({
      status: 422,
      body: { error_code: 'VALIDATION_ERROR' },
    });
    expect(await call('GET', '/conversations?limit=abc')).toMatchObject({ status: 400 });
    expect(await call('DELETE', '/conversations')).toMatchObject({ status: 422 });
    expect(await call('POST', '/conversations', { title: 'x', colour: 'red' })).toMatchObject({
      status: 422,
    });
  });

  it('DELETE /conversations?all=true removes every conversation', async () => {
    await storedExchange('one more', 'ok');
    expect((await call('DELETE', '/conversations?all=true')).status).toBe(204);
    expect((await call('GET', '/conversations')).body.items).toEqual([]);
  });
});
