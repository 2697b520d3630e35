import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OPENAI_KEY } from '../../fixtures/index.js';
import { postChat, rawHttp, rawRequest, startWorld, type World } from './support.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({
    providerExtras: { fake_openai: ['proxy: http://proxyuser:proxy-secret-pw@127.0.0.1:3128'] },
  });
});
afterAll(() => world.close());

const chatBody = JSON.stringify({ prompt: 'hi' });
const json = { 'content-type': 'application/json' };

function expectRefused(
  response: { status: number; body: string; headers: Record<string, unknown> },
  status: number,
  code: string,
) {
  expect(response.status).toBe(status);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  expect(body).toEqual({ error_code: code, message: expect.any(String), details: expect.any(Object) });
  expect(response.headers['access-control-allow-origin']).toBeUndefined();
}

/** Runs a request and checks that no provider saw anything of it. */
async function withoutProvider<T>(request: () => Promise<T>): Promise<T> {
  const goodChat = async (prompt: string) => (await postChat(world, { prompt })).text();
  await goodChat('warm-up'); // the adapter asks /api/show once per model: not during the check
  const before = world.ollama.requests.length + world.openai.requests.length;
  const result = await request();
  // Then a good chat, read to its end: a provider call the refused request had started would be
  // recorded first. Only the good chat's one request may show.
  await goodChat('the request after');
  expect(world.ollama.requests.length + world.openai.requests.length).toBe(before + 1);
  expect(JSON.stringify(world.ollama.requests.at(-1)?.body)).toContain('the request after');
  return result;
}

describe('Host allow-list (DNS rebinding)', () => {
  it.each([
    ['a foreign Host', { host: 'evil.example' }],
    ['a foreign Host on our port', { host: 'evil.example:PORT' }],
  ])('refuses %s with 403 FORBIDDEN_HOST', async (_, headers) => {
    const host = headers.host.replace('PORT', String(world.port));
    const response = await withoutProvider(() =>
      rawRequest(world.port, { method: 'POST', path: '/chat', headers: { ...json, host }, body: chatBody }),
    );
    expectRefused(response, 403, 'FORBIDDEN_HOST');
  });

  it('refuses an empty Host with 403 FORBIDDEN_HOST', async () => {
    const answer = await withoutProvider(() =>
      rawHttp(
        world.port,
        `POST /chat HTTP/1.1\r\nHost: \r\nContent-Type: application/json\r\nContent-Length: ${chatBody.length}\r\nConnection: close\r\n\r\n${chatBody}`,
      ),
    );
    expect(answer).toMatch(/^HTTP\/1.1 403 /);
    expect(answer).toContain('"error_code":"FORBIDDEN_HOST"');
  });

  it('refuses a request with no Host at all', async () => {
    const response = await rawRequest(world.port, { path: '/health', noHost: true });
    expectRefused(response, 403, 'FORBIDDEN_HOST');
  });

  it.each(['127.0.0.1', 'localhost', '[::1]'])('accepts %s with our port', async (name) => {
    const response = await rawRequest(world.port, {
      path: '/health',
      headers: { host: `${name}:${world.port}` },
    });
    expect(response.status).toBe(200);
  });
});

describe('Origin and Sec-Fetch-Site (CSRF)', () => {
  const evil = { origin: 'http://evil.example' };
  it.each([
    ['GET', '/health', evil, undefined],
    ['GET', '/config', evil, undefined],
    ['POST', '/chat', { ...evil, 'content-type': 'text/plain' }, chatBody],
    ['PUT', '/config', { ...evil, ...json }, '{}'],
    [
      'POST',
      '/trpc/chat.start',
      { ...evil, ...json },
      JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    ],
    ['POST', '/chat', { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, chatBody],
    ['GET', '/providers', { 'sec-fetch-site': 'same-site' }, undefined],
    ['POST', '/chat', { origin: 'null', ...json }, chatBody],
  ])(
    'refuses %s %s from another page with 403 FORBIDDEN_ORIGIN (%o)',
    async (method, path, headers, body) => {
      const response = await withoutProvider(() => rawRequest(world.port, { method, path, headers, body }));
      expectRefused(response, 403, 'FORBIDDEN_ORIGIN');
    },
  );

  it('accepts its own origin and same-origin fetches', async () => {
    const own = await rawRequest(world.port, {
      path: '/health',
      headers: { origin: `http://127.0.0.1:${world.port}`, 'sec-fetch-site': 'same-origin' },
    });
    expect(own.status).toBe(200);
  });
});

describe('bodies', () => {
  it('refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ prompt: 'x'.repeat(2 * 1024 * 1024) });
    const response = await withoutProvider(() =>
      rawRequest(world.port, {
        method: 'POST',
        path: '/chat',
        headers: { ...json, ...world.auth },
        body: big,
      }),
    );
    expectRefused(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses a chunked body over 1 MiB too', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(0x61));
        controller.close();
      },
    });
    const response = await fetch(`${world.url}/chat`, {
      method: 'POST',
      headers: world.auth,
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error_code: string }).error_code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON with 400 VALIDATION_ERROR', async () => {
    const response = await withoutProvider(() =>
      rawRequest(world.port, {
        method: 'POST',
        path: '/chat',
        headers: { ...json, ...world.auth },
        body: '{"prompt": "hi"',
      }),
    );
    expectRefused(response, 400, 'VALIDATION_ERROR');
  });
});

describe('unknown things', () => {
  it('answers an unknown route with a JSON 404 NOT_FOUND', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/config'],
      ['GET', '/chat'],
    ] as const) {
      const response = await rawRequest(world.port, { method, path, headers: world.auth });
      expectRefused(response, 404, 'NOT_FOUND');
    }
  });

  it('answers an unknown provider with 404 PROVIDER_NOT_FOUND, reaching no provider', async () => {
    const response = await withoutProvider(() =>
      rawRequest(world.port, {
        method: 'POST',
        path: '/chat',
        headers: { ...json, ...world.auth },
        body: JSON.stringify({ prompt: 'a', provider_id: 'x' }),
      }),
    );
    expectRefused(response, 404, 'PROVIDER_NOT_FOUND');
  });

  it('has no GET that starts a chat over tRPC', async () => {
    const input = encodeURIComponent(JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }));
    const response = await withoutProvider(() =>
      fetch(`${world.url}/trpc/chat.start?input=${input}`, { headers: world.auth }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});

describe('secrets', () => {
  it('never shows the API key, proxy credentials or API token in config, providers, health, errors or logs', async () => {
    const answers = await Promise.all(
      ['/config', '/providers', '/health', '/logs?limit=5000', '/models/nope', '/trpc/config.get'].map(
        async (path) => (await fetch(`${world.url}${path}`, { headers: world.auth })).text(),
      ),
    );
    const bad = await rawRequest(world.port, {
      method: 'PUT',
      path: '/config',
      headers: { ...json, ...world.auth },
      body: JSON.stringify({
        revision: 'stale',
        providers: [{ id: 'fake_openai', type: 'openai', api_key: 42 }],
      }),
    });
    for (const text of [...answers, bad.body]) {
      expect(text).not.toContain(FAKE_OPENAI_KEY);
      expect(text).not.toContain('proxy-secret-pw');
      expect(text).not.toContain('proxyuser');
      expect(text).not.toContain(world.token);
    }
    expect(JSON.parse(answers[0] ?? '{}').providers[1]).toEqual(expect.objectContaining({ proxy_set: true }));
  });
});
