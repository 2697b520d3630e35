import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBytes } from '../../fixtures/files.js';
import { postChat, readSse, startWorld, summarise, type World } from './support.js';

/**
 * Export → import into an empty data directory (CONTRACT section 10): the same conversation comes
 * back — its settings (provider, model, system prompt, num_ctx, the Think and Tools switches,
 * pinned), every message with its status and attached files' records, and the files themselves
 * (a JSON export carries them as base64, the ZIP as entries) — so Regenerate sends the image again.
 */

const VISION = { models: [{ name: 'llama3.2', capabilities: ['completion', 'vision'] }] };

let source: World;
beforeAll(async () => {
  source = await startWorld({ history: true, ollama: VISION });
});
afterAll(() => source.close());

const call = async (world: World, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${world.url}${path}`, {
    method,
    headers: { ...world.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
};

async function chat(world: World, body: Record<string, unknown>) {
  const response = await postChat(world, body);
  expect(response.status).toBe(200);
  return (await readSse(response)).events;
}

/** A conversation in `source` with an image, its settings set, and a finished answer. */
async function conversationWithImage(png: Uint8Array): Promise<string> {
  const upload = await fetch(`${source.url}/attachments?name=cat.png`, {
    method: 'POST',
    headers: source.auth,
    body: Buffer.from(png),
  });
  expect(upload.status).toBe(201);
  const { id: imageId } = (await upload.json()) as { id: string };
  const events = await chat(source, {
    conversation_id: 'new',
    prompt: 'What is this?',
    attachment_ids: [imageId],
    options: { think: false },
  });
  expect(summarise(events).terminal[0]?.event).toBe('done');
  const start = events.find((event) => event.event === 'start')?.data as
    | { conversation_id: string }
    | undefined;
  const id = start?.conversation_id ?? '';
  const patched = await call(source, 'PATCH', `/conversations/${id}`, {
    tools: 'none',
    system_prompt: 'Be brief.',
    num_ctx: 2048,
    pinned: true,
  });
  expect(patched.status).toBe(200);
  return id;
}

/** A message as it should come back: everything but the time of its last write (an import writes it once). */
const comparable = ({ updated_at: _, ...message }: Record<string, unknown>) => message;

const imagesSent = (world: World) => {
  const chats = world.ollama.requests.filter(
    (request) => request.method === 'POST' && request.path === '/api/chat',
  );
  const body = chats.at(-1)?.body as { messages: { images?: string[] }[] } | undefined;
  return body?.messages.flatMap((message) => message.images ?? []) ?? [];
};

describe('a LightChat export imported into an empty data directory', () => {
  for (const format of ['json', 'zip'] as const) {
    it(`gives the same conversation back, files included, sent again on Regenerate (${format})`, async () => {
      const png = pngBytes(format === 'json' ? 31 : 32);
      const id = await conversationWithImage(png);
      const exported = await fetch(
        `${source.url}${format === 'json' ? `/conversations/${id}/export?format=json` : '/export'}`,
        { headers: source.auth },
      );
      expect(exported.status).toBe(200);
      const file = Buffer.from(await exported.arrayBuffer());

      const target = await startWorld({ history: true, ollama: VISION });
      try {
        const imported = await fetch(`${target.url}/import`, {
          method: 'POST',
          headers: target.auth,
          body: file,
        });
        expect(imported.status).toBe(200);
        expect(await imported.json()).toMatchObject({ failed: [] });

        const before = await call(source, 'GET', `/conversations/${id}`);
        const after = await call(target, 'GET', `/conversations/${id}`);
        expect(after.status).toBe(200);
        expect(after.body.conversation).toEqual(before.body.conversation);
        expect(after.body.conversation).toMatchObject({
          think: false,
          tools: 'none',
          system_prompt: 'Be brief.',
          num_ctx: 2048,
          pinned: true,
        });
        expect(after.body.messages.map(comparable)).toEqual(before.body.messages.map(comparable));
        const [user, answer] = after.body.messages;
        expect(user.attachments).toEqual([
          expect.objectContaining({ name: 'cat.png', mime_type: 'image/png' }),
        ]);
        expect(answer).toMatchObject({ role: 'assistant', status: 'done', provider_id: 'fake_ollama' });

        // The file itself came along: served back, and sent to the model again on Regenerate.
        const served = await fetch(`${target.url}/attachments/${user.attachments[0].id}`, {
          headers: target.auth,
        });
        expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(png))).toBe(true);
        const again = await chat(target, { conversation_id: id, regenerate_of: answer.id });
        expect(summarise(again).terminal[0]?.event).toBe('done');
        expect(imagesSent(target)).toEqual([Buffer.from(png).toString('base64')]);
      } finally {
        await target.close();
      }
    });
  }
});
