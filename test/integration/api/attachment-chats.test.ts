import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pdfBytes, pngBytes } from '../../fixtures/files.js';
import { postChat, readSse, startWorld, summarise, type World } from './support.js';

let world: World;
beforeAll(async () => {
  // The fake Ollama's /api/show says llama3.2 sees images (its capabilities list `vision`).
  world = await startWorld({
    history: true,
    ollama: { models: [{ name: 'llama3.2', capabilities: ['completion', 'vision'] }, 'text-only'] },
  });
});
afterAll(() => world.close());

async function upload(name: string, body: Uint8Array | string): Promise<string> {
  const response = await fetch(`${world.url}/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: world.auth,
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const chatRequests = (fake: { requests: { method: string; path: string; body: unknown }[] }, path: string) =>
  fake.requests.filter((request) => request.method === 'POST' && request.path === path);
const lastBody = (fake: World['ollama'], path: string) =>
  chatRequests(fake, path).at(-1)?.body as { messages: Record<string, unknown>[] };

async function chat(body: Record<string, unknown>) {
  const response = await postChat(world, body);
  if (response.status !== 200) return { status: response.status, error: await response.json(), events: [] };
  const { events } = await readSse(response);
  return { status: 200, error: null, events };
}

const call = async (method: string, path: string) => {
  const response = await fetch(`${world.url}${path}`, { method, headers: world.auth });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
};

const storedFiles = async () =>
  (await readdir(join(world.dir, 'data', 'attachments')).catch(() => [] as string[])).filter(
    (name) => name !== 'tmp',
  );

describe('a chat with attachments', () => {
  it('sends an image to Ollama as `images` (base64) and a text file as a block headed by its name', async () => {
    const png = pngBytes(5);
    const imageId = await upload('cat.png', png);
    const notesId = await upload('notes.md', '# Shopping\n- milk');
    const { status, events } = await chat({ prompt: 'What do you see?', attachment_ids: [imageId, notesId] });
    expect(status).toBe(200);
    expect(summarise(events).terminal[0]?.event).toBe('done');
    const sent = lastBody(world.ollama, '/api/chat').messages.at(-1);
    expect(sent?.images).toEqual([Buffer.from(png).toString('base64')]);
    expect(sent?.content).toBe(
      '[File: notes.md]\n# Shopping\n- milk\n[End of file: notes.md]\n\nWhat do you see?',
    );
  });

  it('sends an image to OpenAI as an image_url data URL, and PDF text as a block', async () => {
    const png = pngBytes(6);
    const imageId = await upload('dog.png', png);
    const pdfId = await upload('paper.pdf', pdfBytes(['Attention is all you need']));
    const { status } = await chat({
      provider_id: 'fake_openai',
      prompt: 'Explain',
      attachment_ids: [pdfId, imageId],
    });
    expect(status).toBe(200);
    const sent = lastBody(world.openai, '/v1/chat/completions').messages.at(-1);
    expect(sent?.content).toEqual([
      { type: 'text', text: expect.stringContaining('[File: paper.pdf]\nAttention is all you need') },
      {
        type: 'image_url',
        image_url: { url: `data:image/png;base64,${Buffer.from(png).toString('base64')}` },
      },
    ]);
  });

  it('attaches to the last user message of `messages`', async () => {
    const notesId = await upload('todo.txt', 'buy milk');
    const { status } = await chat({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'Read this' },
      ],
      attachment_ids: [notesId],
    });
    expect(status).toBe(200);
    const messages = lastBody(world.ollama, '/api/chat').messages;
    expect(messages[0]?.content).toBe('Hi');
    expect(messages[2]?.content).toContain('[File: todo.txt]\nbuy milk');
  });

  it('refuses an image for an Ollama model whose /api/show lacks vision, before anything is sent', async () => {
    const imageId = await upload('cat.png', pngBytes(7));
    const before = chatRequests(world.ollama, '/api/chat').length;
    const { status, error } = await chat({
      prompt: 'What is it?',
      model_id: 'text-only',
      attachment_ids: [imageId],
    });
    expect(status).toBe(422);
    expect(error).toMatchObject({ error_code: 'ATTACHMENT_UNSUPPORTED', details: { reason: 'no_vision' } });
    expect(chatRequests(world.ollama, '/api/chat')).toHaveLength(before);
  });

  it('refuses an unknown attachment before anything is sent', async () => {
    const before = chatRequests(world.ollama, '/api/chat').length;
    const { status, error } = await chat({ prompt: 'Look', attachment_ids: ['f'.repeat(64)] });
    expect(status).toBe(404);
    expect(error).toMatchObject({ error_code: 'NOT_FOUND', details: { attachment_id: 'f'.repeat(64) } });
    expect(chatRequests(world.ollama, '/api/chat').length).toBe(before);
  });

  it('refuses an attachment id that is not one', async () => {
    const { status, error } = await chat({ prompt: 'Look', attachment_ids: ['../../settings.yaml'] });
    expect(status).toBe(422);
    expect(error.error_code).toBe('VALIDATION_ERROR');
  });
});

describe('attachments in a stored conversation', () => {
  it('are stored with the user message and sent again with the next turn', async () => {
    const png = pngBytes(9);
    const imageId = await upload('photo.png', png);
    const first = await chat({ conversation_id: 'new', prompt: 'Describe', attachment_ids: [imageId] });
    const start = first.events.find((event) => event.event === 'start')?.data as {
      conversation_id: string;
      user_message_id: string;
    };
    const stored = await call('GET', `/conversations/${start.conversation_id}`);
    expect(stored.body.messages[0].attachments).toEqual([
      {
        id: imageId,
        sha256: imageId,
        name: 'photo.png',
        mime_type: 'image/png',
        size: png.length,
        kind: 'image',
        tokens: 768,
      },
    ]);
    await chat({ conversation_id: start.conversation_id, prompt: 'And the colours?' });
    const messages = lastBody(world.ollama, '/api/chat').messages;
    expect(messages[0]?.images).toEqual([Buffer.from(png).toString('base64')]);
    expect(messages.at(-1)?.images).toBeUndefined();
  });

  it('keeps the message, and says which file is gone, when an attached file vanished before it was sent', async () => {
    // Bytes no other test uploads: the file is content-addressed.
    const imageId = await upload('gone.png', pngBytes(21));
    const files = world.core.attachments;
    const read = files.chunks.bind(files);
    // Gone after the chat was checked (the file was listed) and before its bytes went out.
    const spy = vi.spyOn(files, 'chunks').mockImplementationOnce(async function* (attachment) {
      await rm(join(world.dir, 'data', 'attachments', attachment.id));
      yield* read(attachment);
    });
    try {
      const { status, events } = await chat({
        conversation_id: 'new',
        prompt: 'Look',
        attachment_ids: [imageId],
      });
      expect(status).toBe(200);
      const [end] = summarise(events).terminal;
      expect(end?.event).toBe('error');
      expect(end?.data).toMatchObject({ error_code: 'NOT_FOUND' });
      expect((end?.data as { message?: string } | undefined)?.message).toContain('"gone.png" is no longer');
      const start = events.find((event) => event.event === 'start')?.data as { conversation_id: string };
      const stored = await call('GET', `/conversations/${start.conversation_id}`);
      const [user, answer] = stored.body.messages;
      expect(user).toMatchObject({ role: 'user', content: 'Look' });
      expect(user.attachments).toEqual([expect.objectContaining({ id: imageId, name: 'gone.png' })]);
      expect(answer).toMatchObject({ role: 'assistant', status: 'error', error_code: 'NOT_FOUND' });
    } finally {
      spy.mockRestore();
    }
  });

  it('takes an image alone, with no text', async () => {
    const imageId = await upload('alone.png', pngBytes(10));
    const { status } = await chat({ conversation_id: 'new', prompt: '', attachment_ids: [imageId] });
    expect(status).toBe(200);
  });

  it('refuses attachment_ids with regenerate_of', async () => {
    const imageId = await upload('again.png', pngBytes(11));
    const first = await chat({ conversation_id: 'new', prompt: 'Hi' });
    const start = first.events.find((event) => event.event === 'start')?.data as {
      conversation_id: string;
      assistant_message_id: string;
    };
    const { status, error } = await chat({
      conversation_id: start.conversation_id,
      regenerate_of: start.assistant_message_id,
      attachment_ids: [imageId],
    });
    expect(status).toBe(422);
    expect(error.error_code).toBe('VALIDATION_ERROR');
  });

  it('deletes a file with the last message that uses it, and not before', async () => {
    const imageId = await upload('shared.png', pngBytes(12));
    const a = await chat({ conversation_id: 'new', prompt: 'One', attachment_ids: [imageId] });
    const b = await chat({ conversation_id: 'new', prompt: 'Two', attachment_ids: [imageId] });
    const idsOf = (events: typeof a.events) =>
      events.find((event) => event.event === 'start')?.data as {
        conversation_id: string;
        user_message_id: string;
      };
    const first = idsOf(a.events);
    const second = idsOf(b.events);
    expect(await storedFiles()).toContain(imageId);
    expect(
      (await call('DELETE', `/conversations/${first.conversation_id}/messages/${first.user_message_id}`))
        .status,
    ).toBe(204);
    expect(await storedFiles()).toContain(imageId);
    expect((await call('DELETE', `/conversations/${second.conversation_id}`)).status).toBe(204);
    expect((await storedFiles()).filter((name) => name.startsWith(imageId))).toEqual([]);
    expect((await call('GET', `/attachments/${imageId}`)).status).toBe(404);
  });
});

describe('exports of conversations with attachments', () => {
  it('JSON carries each file as base64, Markdown its name, the ZIP the file itself', async () => {
    const png = pngBytes(13);
    const imageId = await upload('export me.png', png);
    const { events } = await chat({ conversation_id: 'new', prompt: 'Keep this', attachment_ids: [imageId] });
    const start = events.find((event) => event.event === 'start')?.data as { conversation_id: string };
    const id = start.conversation_id;

    const json = await fetch(`${world.url}/conversations/${id}/export?format=json`, { headers: world.auth });
    const file = (await json.json()) as {
      conversations: { messages: { attachments: Record<string, unknown>[] }[] }[];
    };
    expect(file.conversations[0]?.messages[0]?.attachments).toEqual([
      expect.objectContaining({
        id: imageId,
        name: 'export me.png',
        data: Buffer.from(png).toString('base64'),
      }),
    ]);

    const markdown = await (
      await fetch(`${world.url}/conversations/${id}/export?format=md`, { headers: world.auth })
    ).text();
    expect(markdown).toContain('Keep this\n\n_Attached: `export me.png`_');

    const zip = unzipSync(
      new Uint8Array(await (await fetch(`${world.url}/export`, { headers: world.auth })).arrayBuffer()),
    );
    expect(zip[`attachments/${imageId}`]).toEqual(png);
    expect(Object.keys(zip)).toContain('conversations.json');
  });
});
