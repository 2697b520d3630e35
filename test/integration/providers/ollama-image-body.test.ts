import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOllamaProvider } from '../../../src/adapters/providers/ollama.js';

/** An Ollama that keeps each chat request's raw bytes and headers, and answers one line. */
async function recordingOllama() {
  const chats: { headers: IncomingHttpHeaders; body: Buffer; reads: number }[] = [];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/show') return res.end(JSON.stringify({ capabilities: ['completion', 'vision'] }));
      if (req.url !== '/api/chat') return res.writeHead(404).end('{"error":"not found"}');
      chats.push({ headers: req.headers, body: Buffer.concat(parts), reads: parts.length });
      res.setHeader('content-type', 'application/x-ndjson');
      res.end(`${JSON.stringify({ message: { content: 'A cat.' }, done: true, done_reason: 'stop' })}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url, chats };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Bytes that are no multiple of 3 long (base64 slices must join without padding in between). */
function image(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 7919) % 256;
  return bytes;
}

describe('the Ollama chat request with images', () => {
  it('streams its body, byte for byte the JSON the SDK used to send', async () => {
    const ollama = await recordingOllama();
    const provider = createOllamaProvider(
      { id: 'local', name: null, type: 'ollama', host: ollama.url, defaultModel: null, systemPrompt: null },
      { env: {} },
    );
    const first = image(1_000_001);
    const second = image(5);
    const messages = [
      { role: 'system' as const, content: 'Be brief. "Quotes" and ünïcode ✓' },
      {
        role: 'user' as const,
        content: 'What are these?',
        images: [
          { name: 'a.png', mimeType: 'image/png', data: first },
          { name: 'b.png', mimeType: 'image/png', data: second },
        ],
      },
    ];
    const chunks = [];
    for await (const chunk of provider.streamChat(
      { model: 'llava', messages, options: { temperature: 0.5, numCtx: 4096 } },
      new AbortController().signal,
    )) {
      chunks.push(chunk);
    }
    expect(chunks.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
    // What ollama-js sent: JSON.stringify of the request with each image as base64.
    const before = JSON.stringify({
      model: 'llava',
      messages: [
        { role: 'system', content: messages[0]!.content },
        {
          role: 'user',
          content: 'What are these?',
          images: [Buffer.from(first).toString('base64'), Buffer.from(second).toString('base64')],
        },
      ],
      stream: true,
      options: { temperature: 0.5, num_ctx: 4096 },
    });
    const [chat] = ollama.chats;
    expect(chat?.body.equals(Buffer.from(before, 'utf8'))).toBe(true);
    expect(chat?.headers['content-type']).toBe('application/json');
    // Streamed: no length known up front, sent in pieces as it is encoded.
    expect(chat?.headers['content-length']).toBeUndefined();
    expect(chat?.headers['transfer-encoding']).toBe('chunked');
  });
});
