import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeHttpFetch } from '../../src/adapters/providers/node-http-fetch.js';
import { OllamaHttpFailure, ollamaFetch } from '../../src/adapters/providers/ollama-fetch.js';
import { CLEANUP_ABORT } from '../../src/shared/cleanup-abort.js';
import { waitFor } from '../fixtures/wait-for.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A local server that counts its connections and the requests that closed before their answer ended. */
async function serve(handler: Handler) {
  const seen = { connections: 0, closedEarly: 0, bodies: [] as string[] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.bodies.push(body);
      res.once('close', () => {
        if (!res.writableFinished) seen.closedEarly++;
      });
      handler(req, res, body);
    });
  });
  server.on('connection', () => seen.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const LINES = '{"message":{"content":"Hel"}}\n{"message":{"content":"lo"}}\n{"done":true}\n';

const post = (url: string, signal?: AbortSignal) =>
  nodeHttpFetch(`${url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"model":"m"}',
    ...(signal ? { signal } : {}),
  });

async function readAll(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

describe("a provider's chat request over Node's http client", () => {
  it('sends the body, answers status, headers and the streamed body, on one kept-alive connection', async () => {
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'x-answer': 'yes' });
      res.end(LINES);
    });
    for (let i = 0; i < 3; i++) {
      const response = await post(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-answer')).toBe('yes');
      expect(await readAll(response)).toBe(LINES);
    }
    expect(seen.bodies).toEqual(['{"model":"m"}', '{"model":"m"}', '{"model":"m"}']);
    expect(seen.connections).toBe(1);
  });

  it('a body let go once it has all arrived keeps the connection; one let go in the middle closes it', async () => {
    let finish: (() => void) | undefined;
    const { url, seen } = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      if (req.url === '/api/chat') return res.end(LINES);
      res.write('{"message":{"content":"a"}}\n');
      finish = () => res.end('{"done":true}\n');
    });
    // As the Ollama adapter does: read up to the done line, then let go of the body.
    const whole = (await post(url)).body!.getReader();
    let text = '';
    while (!text.includes('"done":true')) text += new TextDecoder().decode((await whole.read()).value);
    await whole.cancel(CLEANUP_ABORT);
    await post(url).then(readAll);
    expect(seen.connections).toBe(1);

    const half = await nodeHttpFetch(`${url}/half`, { method: 'POST', body: '{}' });
    const reader = half.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"a"');
    await reader.cancel(CLEANUP_ABORT);
    await waitFor(() => seen.closedEarly === 1, 'the cut answer closed its connection');
    finish?.();
    await post(url).then(readAll);
    expect(seen.connections).toBe(2);
  });

  it("an abort in the middle of the answer fails the reader with the signal's reason and closes the request", async () => {
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"message":{"content":"a"}}\n'); // and nothing more: a model that stalls
    });
    const stop = new AbortController();
    const response = await post(url, stop.signal);
    const reader = response.body!.getReader();
    await reader.read();
    const reason = new Error('stopped by the user');
    stop.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    await waitFor(() => seen.closedEarly === 1, 'the server saw the request go');
  });

  it("an abort before the answer rejects with the signal's reason; an aborted signal sends nothing", async () => {
    const { url, seen } = await serve(() => {}); // never answers
    const stop = new AbortController();
    const pending = post(url, stop.signal);
    await waitFor(() => seen.bodies.length === 1, 'the request arrived');
    stop.abort(CLEANUP_ABORT);
    await expect(pending).rejects.toBe(CLEANUP_ABORT);
    await expect(post(url, AbortSignal.abort(CLEANUP_ABORT))).rejects.toBe(CLEANUP_ABORT);
    expect(seen.bodies).toHaveLength(1);
  });

  it("fails as fetch does when nothing listens: a TypeError whose cause has the socket's code", async () => {
    const { url } = await serve(() => {});
    servers[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const error = await post(url).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError & { cause: NodeJS.ErrnoException }).cause.code).toBe('ECONNREFUSED');
  });

  it("an error answer keeps its status, text and Retry-After (Ollama's adapter reads them)", async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end('{"error":"too many requests"}');
    });
    const failure = await ollamaFetch({ base: nodeHttpFetch })(`${url}/api/chat`, {
      method: 'POST',
      body: '{}',
    }).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(OllamaHttpFailure);
    expect(failure).toMatchObject({ status: 429, message: 'too many requests', retryAfterS: 7 });
  });

  it('takes headers as a Headers (the openai SDK sends them so) and a request without a body', async () => {
    let got: IncomingMessage['headers'] = {};
    const { url } = await serve((req, res) => {
      got = req.headers;
      res.end('[]');
    });
    const response = await nodeHttpFetch(`${url}/v1/models`, {
      headers: new Headers({ authorization: 'Bearer k', 'x-custom': 'yes' }),
    });
    expect(await response.text()).toBe('[]');
    expect(got).toMatchObject({ authorization: 'Bearer k', 'x-custom': 'yes' });
  });

  it('a long answer read slowly arrives whole and in order (the socket paused and resumed under it)', async () => {
    const parts = Array.from({ length: 400 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(4096)}\n`);
    const { url } = await serve((_req, res) => {
      res.writeHead(200);
      for (const part of parts) res.write(part);
      res.end();
    });
    const reader = (await post(url)).body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      text += decoder.decode(read.value, { stream: true });
      await new Promise((resolve) => setImmediate(resolve)); // a reader slower than the socket
    }
    expect(text).toBe(parts.join(''));
  });

  it('what arrived while the reader was busy comes as one chunk at its next read', async () => {
    const parts = Array.from({ length: 40 }, (_, i) => `{"message":{"content":"${i}"}}\n`);
    let sent!: () => void;
    const allSent = new Promise<void>((resolve) => {
      sent = resolve;
    });
    const { url } = await serve((_req, res) => {
      res.writeHead(200);
      // One write at a time, each read from the socket on its own (a provider sending flat out).
      const next = (index: number) => {
        if (index === parts.length) return res.end(sent);
        res.write(parts[index]);
        setTimeout(() => next(index + 1), 1);
      };
      next(0);
    });
    const reader = (await post(url)).body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    let text = decoder.decode(first.value, { stream: true });
    let reads = 1;
    await allSent; // the reader was busy meanwhile
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      text += decoder.decode(read.value, { stream: true });
      reads++;
    }
    expect(text).toBe(parts.join(''));
    expect(reads).toBeLessThanOrEqual(3); // one chunk per write before: 40
  });

  it('a redirect is followed by fetch, the body sent again', async () => {
    const { url, seen } = await serve((req, res) => {
      if (req.url === '/api/chat') {
        res.writeHead(307, { location: '/moved/api/chat' });
        return res.end();
      }
      res.writeHead(200);
      res.end(LINES);
    });
    expect(await post(url).then(readAll)).toBe(LINES);
    // Ours, then fetch's own from the start: the redirect's request and the one it points to.
    expect(seen.bodies).toEqual(['{"model":"m"}', '{"model":"m"}', '{"model":"m"}']);
  });

  it("a fetch put in place of Node's (tests, MSW) is the one used", async () => {
    const swapped = vi.fn(async () => new Response('from the double'));
    vi.stubGlobal('fetch', swapped);
    const response = await post('http://127.0.0.1:9');
    expect(await response.text()).toBe('from the double');
    expect(swapped).toHaveBeenCalledOnce();
  });
});
