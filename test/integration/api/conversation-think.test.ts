import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat, readSse, startWorld, type World } from './support.js';

/** `qwen3` thinks (its /api/show capabilities list `thinking`), so Ollama is sent `think`. */
let world: World;
beforeAll(async () => {
  world = await startWorld({
    history: true,
    ollama: { models: [{ name: 'qwen3', thinking: true }], behaviour: () => ({ text: 'Sure.' }) },
  });
});
afterAll(() => world.close());

const lastThink = () =>
  (
    world.ollama.requests.filter((request) => request.path === '/api/chat').at(-1)?.body as {
      think?: unknown;
    }
  )?.think;

async function chat(body: Record<string, unknown>): Promise<string> {
  const response = await postChat(world, { model_id: 'qwen3', ...body });
  expect(response.status).toBe(200);
  const { events } = await readSse(response);
  expect(events.at(-1)?.event).toBe('done');
  return (events[0]?.data as { conversation_id: string } | undefined)?.conversation_id ?? '';
}

const conversation = async (id: string) =>
  (
    (await (await fetch(`${world.url}/conversations/${id}`, { headers: world.auth })).json()) as {
      conversation: { think: unknown };
    }
  ).conversation;

const patch = (id: string, body: unknown) =>
  fetch(`${world.url}/conversations/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...world.auth },
    body: JSON.stringify(body),
  });

describe("a conversation's Think switch (CONTRACT section 12)", () => {
  it('is remembered from the first send and sent with the next ones as think: false', async () => {
    const id = await chat({ conversation_id: 'new', prompt: 'Hi', options: { think: false } });
    expect(lastThink()).toBe(false);
    expect((await conversation(id)).think).toBe(false);
    await chat({ conversation_id: id, prompt: 'And now?' });
    expect(lastThink()).toBe(false);
  });

  it('is changed with PATCH, kept through a reopen, and a request may still say otherwise', async () => {
    const id = await chat({ conversation_id: 'new', prompt: 'Hi' });
    expect((await conversation(id)).think).toBeNull();
    expect(lastThink()).toBe(true);
    expect((await patch(id, { think: false })).status).toBe(200);
    expect((await conversation(id)).think).toBe(false);
    await chat({ conversation_id: id, prompt: 'Quick one' });
    expect(lastThink()).toBe(false);
    await chat({ conversation_id: id, prompt: 'Think hard', options: { think: 'high' } });
    expect(lastThink()).toBe(true); // qwen3 takes on/off only
    expect((await patch(id, { think: null })).status).toBe(200);
    expect((await conversation(id)).think).toBeNull();
  });

  it('refuses a think that is not true, false or a level, naming the field', async () => {
    const id = await chat({ conversation_id: 'new', prompt: 'Hi' });
    const refused = await patch(id, { think: 'max' });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error_code: 'VALIDATION_ERROR' });
    expect(JSON.stringify(await (await patch(id, { think: 'max' })).json())).toContain('think');
  });

  it('keeps a temporary conversation’s switch in memory too', async () => {
    const id = await chat({
      conversation_id: 'new',
      temporary: true,
      prompt: 'Hi',
      options: { think: false },
    });
    expect((await conversation(id)).think).toBe(false);
    await chat({ conversation_id: id, prompt: 'Again' });
    expect(lastThink()).toBe(false);
  });
});
