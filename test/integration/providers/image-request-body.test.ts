import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { factsFromName, messagesBody } from '../../../src/adapters/providers/anthropic-request.js';
import { createProviderFactories } from '../../../src/adapters/providers/index.js';
import { createOllamaProvider } from '../../../src/adapters/providers/ollama.js';
import { createOpenAIProvider, OpenAICompatMemory } from '../../../src/adapters/providers/openai.js';
import { AttachmentFiles } from '../../../src/adapters/store/attachment-files.js';
import type { AppError } from '../../../src/domain/errors.js';
import {
  type ChatProvider,
  imageFromBytes,
  type ProviderChunk,
  type ProviderImage,
  type ProviderMessage,
} from '../../../src/domain/provider.js';
import type { ProviderConfig } from '../../../src/domain/settings.js';
import { pngBytes } from '../../fixtures/files.js';
import { ANTHROPIC_START, anthropicEvent, geminiEvent } from './worlds.js';

/**
 * The chat request of a provider that sees images (CONTRACT section 12): its body is streamed — the
 * JSON before an image first, then the image's base64 read from its file a chunk at a time — and is
 * byte for byte the JSON the adapters built in memory before (Ollama: what ollama-js sent; OpenAI,
 * Anthropic: what their SDKs serialised; Gemini: the same images in the same places).
 */

type Kind = 'ollama' | 'openai' | 'anthropic' | 'gemini';
const ANTHROPIC_KEY = 'sk-ant-test-key';
const GEMINI_KEY = 'gemini-test-key';

/** A provider that keeps each chat request's raw bytes and headers, notes its first bytes, and answers once. */
async function recordingProvider() {
  const chats: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  let firstBytes: () => void = () => {};
  const firstBytesArrived = new Promise<void>((resolve) => {
    firstBytes = resolve;
  });
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    const isGemini = req.url?.startsWith('/v1beta/models/llava:streamGenerateContent') === true;
    const isChat =
      req.url === '/api/chat' || req.url === '/v1/chat/completions' || req.url === '/v1/messages' || isGemini;
    req.on('data', (chunk: Buffer) => {
      if (isChat) firstBytes();
      parts.push(chunk);
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/show') return res.end(JSON.stringify({ capabilities: ['completion', 'vision'] }));
      if (!isChat) return res.writeHead(404).end('{"error":"not found"}');
      chats.push({ headers: req.headers, body: Buffer.concat(parts) });
      if (req.url === '/api/chat') {
        res.setHeader('content-type', 'application/x-ndjson');
        return res.end(
          `${JSON.stringify({ message: { content: 'A cat.' }, done: true, done_reason: 'stop' })}\n`,
        );
      }
      res.setHeader('content-type', 'text/event-stream');
      if (req.url === '/v1/messages') {
        return res.end(
          ANTHROPIC_START +
            anthropicEvent({
              type: 'content_block_delta',
              index: 0,
              delta: { type: 'text_delta', text: 'A cat.' },
            }) +
            anthropicEvent({ type: 'content_block_stop', index: 0 }) +
            anthropicEvent({
              type: 'message_delta',
              delta: { stop_reason: 'end_turn', stop_sequence: null },
              usage: { output_tokens: 2 },
            }) +
            anthropicEvent({ type: 'message_stop' }),
        );
      }
      if (isGemini) {
        return res.end(
          geminiEvent({
            candidates: [
              { content: { parts: [{ text: 'A cat.' }], role: 'model' }, finishReason: 'STOP', index: 0 },
            ],
            usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 2, totalTokenCount: 14 },
          }),
        );
      }
      const chunk = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o' };
      res.end(
        `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: 'A cat.' }, finish_reason: null }] })}\n\n` +
          `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n` +
          'data: [DONE]\n\n',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url, chats, firstBytesArrived };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const config = (type: Kind, host: string): ProviderConfig => ({
  id: type,
  name: null,
  type,
  host,
  defaultModel: null,
  systemPrompt: null,
});

function providerFor(type: Kind, url: string): ChatProvider {
  if (type === 'ollama') return createOllamaProvider(config('ollama', url), { env: {} });
  if (type === 'openai') {
    return createOpenAIProvider(config('openai', `${url}/v1`), { env: {}, memory: new OpenAICompatMemory() });
  }
  const factories = createProviderFactories({
    env: { ANTHROPIC_API_KEY: ANTHROPIC_KEY, GEMINI_API_KEY: GEMINI_KEY },
  });
  return factories[type](config(type, url));
}

/** Bytes that are no multiple of 3 long (base64 pieces must join without padding in between). */
function image(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 7919) % 256;
  return bytes;
}

async function collect(provider: ChatProvider, messages: ProviderMessage[]): Promise<ProviderChunk[]> {
  const chunks: ProviderChunk[] = [];
  for await (const chunk of provider.streamChat(
    { model: 'llava', messages, options: { temperature: 0.5, numCtx: 4096 } },
    new AbortController().signal,
  )) {
    chunks.push(chunk);
  }
  return chunks;
}

const SYSTEM = 'Be brief. "Quotes" and ünïcode ✓';
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * The body the adapters built in memory before: JSON.stringify of the request with each image's
 * base64 (Gemini's SDK reshapes its request: null, its images are compared).
 */
function oldBody(type: Kind, images: { mimeType: string; bytes: Uint8Array }[]): string | null {
  if (type === 'gemini') return null;
  if (type === 'anthropic') {
    const files = images.map(
      (one): ProviderImage => ({
        name: 'x',
        mimeType: one.mimeType,
        size: one.bytes.length,
        chunks: () => once(one.bytes),
      }),
    );
    const encoded = new Map(files.map((file, index) => [file, b64(images[index]!.bytes)]));
    const request = {
      model: 'llava',
      messages: userMessage(files),
      options: { temperature: 0.5, numCtx: 4096 },
    };
    return JSON.stringify({
      ...messagesBody(request, (file) => encoded.get(file) ?? '', factsFromName('llava')),
      stream: true,
    });
  }
  if (type === 'ollama') {
    return JSON.stringify({
      model: 'llava',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: 'What are these?', images: images.map((one) => b64(one.bytes)) },
      ],
      stream: true,
      options: { temperature: 0.5, num_ctx: 4096 },
    });
  }
  return JSON.stringify({
    model: 'llava',
    messages: [
      { role: 'system', content: SYSTEM },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What are these?' },
          ...images.map((one) => ({
            type: 'image_url',
            image_url: { url: `data:${one.mimeType};base64,${b64(one.bytes)}` },
          })),
        ],
      },
    ],
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0.5,
  });
}

/** The base64 strings of the images in a body, wherever each API puts them. */
function sentImages(type: Kind, body: Buffer): string[] {
  if (type === 'gemini') {
    const parsed = JSON.parse(body.toString('utf8')) as {
      contents: { parts: { inlineData?: { data: string } }[] }[];
    };
    return (parsed.contents.at(-1)?.parts ?? []).flatMap((part) =>
      part.inlineData ? [part.inlineData.data] : [],
    );
  }
  const parsed = JSON.parse(body.toString('utf8')) as { messages: Record<string, unknown>[] };
  const last = parsed.messages.at(-1) ?? {};
  if (type === 'anthropic') {
    return (last.content as { type: string; source?: { data: string } }[])
      .filter((part) => part.type === 'image')
      .map((part) => part.source?.data ?? '');
  }
  if (type === 'ollama') return last.images as string[];
  return (last.content as { type: string; image_url?: { url: string } }[])
    .filter((part) => part.type === 'image_url')
    .map((part) => part.image_url?.url.replace(/^data:[^,]*,/, '') ?? '');
}

const userMessage = (images: ProviderImage[]): ProviderMessage[] => [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: 'What are these?', images },
];

async function attachmentFolder(): Promise<AttachmentFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'lightchat-image-body-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return new AttachmentFiles({ dir });
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

for (const type of ['ollama', 'openai', 'anthropic', 'gemini'] as const) {
  describe(`the ${type} chat request with images`, () => {
    it('streams its body, byte for byte the JSON the adapter built in memory before', async () => {
      const provider = await recordingProvider();
      const first = image(1_000_001);
      const second = image(5);
      const chunks = await collect(
        providerFor(type, provider.url),
        userMessage([
          imageFromBytes('a.png', 'image/png', first),
          imageFromBytes('b.png', 'image/jpeg', second),
        ]),
      );
      expect(chunks.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
      const [chat] = provider.chats;
      if (!chat) throw new Error('the provider received no chat');
      const before = oldBody(type, [
        { mimeType: 'image/png', bytes: first },
        { mimeType: 'image/jpeg', bytes: second },
      ]);
      expect(sentImages(type, chat.body)).toEqual([b64(first), b64(second)]);
      if (before !== null) {
        expect(JSON.parse(chat.body.toString('utf8'))).toEqual(JSON.parse(before));
        expect(chat.body.equals(Buffer.from(before, 'utf8'))).toBe(true);
      }
      expect(chat.headers['content-type']).toBe('application/json');
      // Streamed: no length known up front, sent in pieces as it is encoded.
      expect(chat.headers['content-length']).toBeUndefined();
      expect(chat.headers['transfer-encoding']).toBe('chunked');
    });

    it('reads a stored file a chunk at a time into the body, and the first bytes go out before the file is read', async () => {
      const provider = await recordingProvider();
      const files = await attachmentFolder();
      // Over one read's worth (192 KiB) and no multiple of 3: several chunks, and a tail.
      const png = pngBytes(600_001);
      const stored = await files.save({ name: 'cat.png', declaredType: 'image/png', body: once(png) });
      const fromDisk: ProviderImage = {
        name: stored.name,
        mimeType: stored.mimeType,
        size: stored.size,
        async *chunks() {
          // Waits for the provider to have the request's first bytes: an adapter that read the
          // file before sending would wait here forever (the guard below ends the test instead).
          let guard: NodeJS.Timeout | undefined;
          await Promise.race([
            provider.firstBytesArrived,
            new Promise((_, reject) => {
              guard = setTimeout(() => reject(new Error('the body waited for the file to be read')), 10_000);
            }),
          ]).finally(() => clearTimeout(guard));
          yield* files.chunks(stored);
        },
      };
      const chunks = await collect(providerFor(type, provider.url), userMessage([fromDisk]));
      expect(chunks.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
      const [chat] = provider.chats;
      if (!chat) throw new Error('the provider received no chat');
      const before = oldBody(type, [{ mimeType: 'image/png', bytes: png }]);
      expect(sentImages(type, chat.body)).toEqual([b64(png)]);
      if (before !== null) expect(chat.body.equals(Buffer.from(before, 'utf8'))).toBe(true);
    });

    it('says which file is gone when an attached file vanished before its bytes were sent', async () => {
      const provider = await recordingProvider();
      const dir = await mkdtemp(join(tmpdir(), 'lightchat-image-gone-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const files = new AttachmentFiles({ dir });
      const stored = await files.save({
        name: 'cat.png',
        declaredType: 'image/png',
        body: once(pngBytes(10)),
      });
      await rm(join(dir, stored.id));
      let failure: AppError | undefined;
      try {
        await collect(
          providerFor(type, provider.url),
          userMessage([
            {
              name: stored.name,
              mimeType: stored.mimeType,
              size: stored.size,
              chunks: () => files.chunks(stored),
            },
          ]),
        );
      } catch (error) {
        failure = error as AppError;
      }
      expect(failure?.code).toBe('NOT_FOUND');
      expect(failure?.message).toContain('"cat.png" is no longer');
      expect(failure?.details).toMatchObject({ attachment_id: stored.id, reason: 'file_gone' });
      // Not a network failure: the chat engine does not try it again.
      expect(failure?.failure).toBeUndefined();
      expect(provider.chats).toHaveLength(0);
    });
  });
}
