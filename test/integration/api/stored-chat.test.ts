import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OLLAMA_ANSWER } from '../../fixtures/index.js';
import { authHeader, postChat, readSse, startWorld, summarise, type World } from './support.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({ history: true, ollama: { behaviour: () => ({ text: FAKE_OLLAMA_ANSWER }) } });
});
afterAll(() => world.close());

async function chat(body: unknown) {
  const response = await postChat(world, body);
  if (response.status !== 200) {
    return { status: response.status, body: await response.json(), events: [], text: '', last: undefined };
  }
  const { events } = await readSse(response);
  return { status: 200, body: null, events, ...summarise(events) };
}

describe('POST /chat into a stored conversation (CONTRACT section 10)', () => {
  it('conversation_id "new" starts with the ids, streams, and ends with them; the turn is stored', async () => {
    const first = await chat({ conversation_id: 'new', prompt: 'Name a colour' });
    const start = first.events[0];
    expect(start?.event).toBe('start');
    const ids = start?.data as {
      chat_id: string;
      conversation_id: string;
      user_message_id: string;
      assistant_message_id: string;
    };
    expect(ids.chat_id).toEqual(expect.any(String));
    expect(first.text).toBe(FAKE_OLLAMA_ANSWER);
    expect(first.last).toMatchObject({
      event: 'done',
      data: { conversation_id: ids.conversation_id, message_id: ids.assistant_message_id },
    });
    const stored = await (
      await fetch(`${world.url}/conversations/${ids.conversation_id}`, { headers: authHeader(world.token) })
    ).json();
    expect(stored.conversation).toMatchObject({
      title: 'Name a colour',
      provider_id: 'fake_ollama',
      model_id: 'llama3.2',
    });
    expect(stored.messages.map((m: { content: string; status: string }) => [m.content, m.status])).toEqual([
      ['Name a colour', 'done'],
      [FAKE_OLLAMA_ANSWER, 'done'],
    ]);

    // A send that names nothing continues after the current leaf, with the branch as context.
    const second = await chat({ conversation_id: ids.conversation_id, prompt: 'Another' });
    expect(second.last?.event).toBe('done');
    const request = world.ollama.requests.filter((r) => r.path === '/api/chat').at(-1)?.body as {
      messages: { role: string; content: string }[];
    };
    expect(request.messages.map((m) => m.content)).toEqual(['Name a colour', FAKE_OLLAMA_ANSWER, 'Another']);

    // regenerate_of: a new version of the answer, no prompt.
    const again = await chat({
      conversation_id: ids.conversation_id,
      regenerate_of: ids.assistant_message_id,
    });
    expect(again.last?.event).toBe('done');
    const after = await (
      await fetch(`${world.url}/conversations/${ids.conversation_id}`, { headers: authHeader(world.token) })
    ).json();
    expect(after.conversation.message_count).toBe(5);
    expect(after.messages).toHaveLength(2);
    expect(after.messages[1].sibling_ids).toHaveLength(2);
  });

  it('refuses bad sends before any stream, with clear errors', async () => {
    expect(await chat({ conversation_id: 'new', messages: [{ role: 'user', content: 'x' }] })).toMatchObject({
      status: 422,
      body: { error_code: 'VALIDATION_ERROR' },
    });
    expect(
      await chat({ conversation_id: '0190a0a0-0000-7000-8000-000000000000', prompt: 'x' }),
    ).toMatchObject({
      status: 404,
      body: { error_code: 'CONVERSATION_NOT_FOUND' },
    });
    const first = await chat({ conversation_id: 'new', prompt: 'q' });
    const ids = first.events[0]?.data as { conversation_id: string; user_message_id: string };
    expect(
      await chat({ conversation_id: ids.conversation_id, regenerate_of: ids.user_message_id }),
    ).toMatchObject({
      status: 422,
      body: { error_code: 'VALIDATION_ERROR' },
    });
  });

  it('a stateless POST /chat begins with `event: start` carrying only its chat id, and stores nothing', async () => {
    const before = (
      await (await fetch(`${world.url}/conversations?limit=200`, { headers: authHeader(world.token) })).json()
    ).items.length;
    const plain = await chat({ prompt: 'hi' });
    expect(plain.events[0]?.event).toBe('start');
    expect(plain.events[0]?.data).toEqual({ chat_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(plain.events[1]?.event).toBe('message');
    expect(plain.text).toBe(FAKE_OLLAMA_ANSWER);
    expect(plain.last?.data).not.toHaveProperty('conversation_id');
    expect(plain.last?.data).not.toHaveProperty('seq');
    expect(
      (
        await (
          await fetch(`${world.url}/conversations?limit=200`, { headers: authHeader(world.token) })
        ).json()
      ).items.length,
    ).toBe(before);
  });
});
