import { afterEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat.js';
import { pngBytes } from '../fixtures/files.js';
import { type DesktopWorld, startDesktopWorld } from './desktop-world.js';
import { resetFakeElectron } from './fake-electron.js';

let world: DesktopWorld | null = null;
afterEach(async () => {
  await world?.stop();
  world = null;
  resetFakeElectron();
});

const errorCodeOf = (error: unknown): unknown =>
  (error as { cause?: { data?: { errorCode?: unknown } }; data?: { errorCode?: unknown } }).data?.errorCode ??
  (error as { cause?: { data?: { errorCode?: unknown } } }).cause?.data?.errorCode;

describe('attachments over IPC (the desktop window has no HTTP route)', () => {
  it('uploads an ArrayBuffer, sends it in a chat, and reads it back as base64', async () => {
    // A model that sees images: Ollama's /api/show says so.
    world = await startDesktopWorld({ models: [{ name: 'demo', capabilities: ['completion', 'vision'] }] });
    const client = world.client();
    const png = pngBytes(20);
    const data = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer;
    const uploaded = await client.attachments.upload.mutate({ name: 'cat.png', data });
    expect(uploaded).toMatchObject({
      name: 'cat.png',
      mimeType: 'image/png',
      size: png.length,
      kind: 'image',
    });

    const { chatId } = await client.chat.start.mutate({
      messages: [{ role: 'user', content: 'What is it?' }],
      attachmentIds: [uploaded.id],
    });
    const events: ChatEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      client.chat.events.subscribe(
        { chatId },
        { onData: (event) => events.push(event), onError: reject, onComplete: () => resolve() },
      );
    });
    expect(events.at(-1)?.type).toBe('done');
    const sent = world.ollama.requests.filter((request) => request.path === '/api/chat').at(-1)?.body as {
      messages: { images?: string[] }[];
    };
    expect(sent.messages.at(-1)?.images).toEqual([Buffer.from(png).toString('base64')]);

    const content = await client.attachments.content.query({ id: uploaded.id });
    expect(content.base64).toBe(Buffer.from(png).toString('base64'));
  });

  it('refuses a file that is not what its name says, with the same error as REST', async () => {
    world = await startDesktopWorld();
    const data = new TextEncoder().encode('not an image').buffer as ArrayBuffer;
    const failure = await world
      .client()
      .attachments.upload.mutate({ name: 'cat.png', data })
      .catch((error: unknown) => error);
    expect(errorCodeOf(failure)).toBe('ATTACHMENT_UNSUPPORTED');
  });
});
