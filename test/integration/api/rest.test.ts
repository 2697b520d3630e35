import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OLLAMA_ANSWER, FAKE_OPENAI_KEY } from '../../fixtures/index.js';
import { postChat, readSse, startWorld, summarise, type World } from './support.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: ['llama3.2', 'slow', { name: 'qwen3', thinking: true }],
      behaviour: (request) =>
        request.model === 'qwen3'
          ? { thinking: 'Let me think.', text: 'Forty-two.' }
          : { text: FAKE_OLLAMA_ANSWER },
      // Sends two tokens, then holds the rest until the client leaves.
      faults: { slow: { stallAfter: 2 } },
    },
  });
});
afterAll(() => world.close());

const get = (path: string) => fetch(`${world.url}${path}`, { headers: world.auth });

describe('GET /health', () => {
  it('answers status, version, config path and error, default provider and demo', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toEqual({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      config: { path: world.settingsPath, error: null },
      default_provider: 'fake_ollama',
      demo: false,
    });
  });
});

describe('GET /providers', () => {
  it('lists every provider with a live status, in snake_case', async () => {
    const response = await get('/providers');
    expect(response.status).toBe(200);
    const providers = (await response.json()) as Record<string, unknown>[];
    expect(providers).toEqual([
      {
        id: 'fake_ollama',
        name: 'Fake Ollama',
        type: 'ollama',
        status: 'ok',
        status_message: null,
        host: world.ollama.url,
        default_model: 'llama3.2',
        is_default: true,
        demo: false,
      },
      expect.objectContaining({ id: 'fake_openai', type: 'openai', status: 'ok', is_default: false }),
    ]);
  });
});

describe('GET /models/{provider_id}', () => {
  it("lists a provider's models with their details in snake_case", async () => {
    const response = await get('/models/fake_ollama');
    expect(response.status).toBe(200);
    const models = (await response.json()) as Record<string, unknown>[];
    expect(models.map((model) => model.id)).toEqual(['demo', 'llama3.2', 'slow', 'qwen3']);
    expect(models[1]).toEqual(
      expect.objectContaining({ id: 'llama3.2', name: 'llama3.2', size_bytes: expect.any(Number) }),
    );
    expect(Object.keys(models[1] ?? {})).not.toContain('sizeBytes');
  });

  it('answers 404 PROVIDER_NOT_FOUND for an unknown provider', async () => {
    const response = await get('/models/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error_code: 'PROVIDER_NOT_FOUND',
      message: expect.stringContaining('nope'),
      details: expect.objectContaining({ provider_id: 'nope' }),
    });
  });
});

describe('POST /chat', () => {
  it('streams tokens, then exactly one done event with provider, model, usage and stats', async () => {
    const response = await postChat(world, { prompt: 'hi' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const { events } = await readSse(response);
    const { text, terminal, last } = summarise(events);
    expect(text).toBe(FAKE_OLLAMA_ANSWER);
    expect(terminal).toHaveLength(1);
    expect(last?.event).toBe('done');
    expect(last?.data).toEqual({
      finish_reason: 'stop',
      provider_id: 'fake_ollama',
      model_id: 'llama3.2',
      usage: { prompt_tokens: expect.any(Number), completion_tokens: 12 },
      stats: {
        ttft_ms: expect.any(Number),
        duration_ms: expect.any(Number),
        tokens_per_s: expect.any(Number),
      },
    });
  });

  it('writes each event as `data: {"token":…}` with nothing else in it', async () => {
    const raw = await (await postChat(world, { prompt: 'hi' })).text();
    const frames = raw.split('\n\n').filter(Boolean);
    expect(frames[0]).toMatch(/^event: start\ndata: \{"chat_id":"[0-9a-f-]{36}"\}$/);
    expect(frames[1]).toBe('data: {"token":"Hello"}');
    expect(frames.at(-1)).toMatch(/^event: done\ndata: \{"finish_reason":"stop",/);
  });

  it('delivers the first token before the provider has finished', async () => {
    // The provider never finishes by itself: a server that held tokens back until the end would
    // send none, and this read would hang (the test times out).
    const leave = new AbortController();
    const response = await postChat(
      world,
      { messages: [{ role: 'user', content: 'hi' }], model_id: 'slow' },
      { signal: leave.signal },
    );
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    while (!/data: \{"token":[^\n]*\n\n/.test(received)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before its first token: ${received}`);
      received += value;
    }
    expect(received).toMatch(/^event: start\ndata: \{"chat_id":"[^"]+"\}\n\ndata: \{"token":"Hello"\}\n\n/);
    leave.abort();
  });

  it("keeps a reasoning model's thinking apart from the answer", async () => {
    const { events } = await readSse(await postChat(world, { prompt: 'why?', model_id: 'qwen3' }));
    const { text, thinking, last } = summarise(events);
    expect(thinking).toBe('Let me think.');
    expect(text).toBe('Forty-two.');
    expect(last?.event).toBe('done');
    const firstToken = events.findIndex((e) => 'token' in (e.data as object));
    const lastThinking = events.findLastIndex((e) => 'thinking' in (e.data as object));
    expect(lastThinking).toBeLessThan(firstToken);
  });

  it('sends the system prompt as the first system message, and options in snake_case', async () => {
    const before = world.ollama.requests.length;
    const response = await postChat(world, {
      messages: [{ role: 'user', content: 'hi' }],
      provider_id: 'fake_openai',
      system_prompt: 'Be brief.',
      options: { temperature: 0.5, max_tokens: 3 },
    });
    const { text, last } = summarise((await readSse(response)).events);
    expect(last?.data).toEqual(
      expect.objectContaining({ provider_id: 'fake_openai', model_id: 'gpt-4o-mini' }),
    );
    expect(text).toBe('Hello from the');
    const sent = world.openai.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(world.ollama.requests.length).toBe(before);
  });

  it.each([
    ['neither prompt nor messages', { provider_id: 'fake_ollama' }],
    ['both prompt and messages', { prompt: 'a', messages: [{ role: 'user', content: 'b' }] }],
    ['an unknown key', { prompt: 'a', colour: 'blue' }],
    ['an unknown option', { prompt: 'a', options: { top_k: 3 } }],
    ['a think value that is not a level', { prompt: 'a', options: { think: 'max' } }],
    ['a bad role', { messages: [{ role: 'robot', content: 'b' }] }],
  ])('answers 422 VALIDATION_ERROR with issues before any stream for %s', async (_, body) => {
    const before = world.ollama.stats.started;
    const response = await postChat(world, body);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const answer = (await response.json()) as { error_code: string; details: { issues: unknown[] } };
    expect(answer.error_code).toBe('VALIDATION_ERROR');
    expect(answer.details.issues.length).toBeGreaterThan(0);
    expect(world.ollama.stats.started).toBe(before);
  });

  it('sends options.think to a thinking model (false: no thinking) and leaves it out for a model without thinking', async () => {
    const chatBodies = () =>
      world.ollama.requests
        .filter((request) => request.path === '/api/chat')
        .map((request) => request.body as { model: string; think?: unknown });
    const off = summarise(
      (await readSse(await postChat(world, { prompt: 'why?', model_id: 'qwen3', options: { think: false } })))
        .events,
    );
    expect(off.thinking).toBe('');
    expect(off.text).toBe('Forty-two.');
    expect(chatBodies().at(-1)).toMatchObject({ model: 'qwen3', think: false });
    const plain = summarise(
      (
        await readSse(
          await postChat(world, { prompt: 'a', model_id: 'llama3.2', options: { think: 'high' } }),
        )
      ).events,
    );
    expect(plain.last?.event).toBe('done');
    expect(chatBodies().at(-1)?.model).toBe('llama3.2');
    expect(chatBodies().at(-1)).not.toHaveProperty('think');
  });

  it('names an unknown option key in snake_case', async () => {
    const answer = await (await postChat(world, { prompt: 'a', options: { top_k: 3 } })).json();
    expect(JSON.stringify(answer)).toContain('top_k');
  });

  it('answers 404 PROVIDER_NOT_FOUND before any stream for an unknown provider', async () => {
    const response = await postChat(world, { prompt: 'a', provider_id: 'ghost' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error_code: string }).error_code).toBe('PROVIDER_NOT_FOUND');
  });

  it('streams a MODEL_NOT_FOUND error event when the provider does not have the model', async () => {
    const response = await postChat(world, { prompt: 'a', model_id: 'no-such-model' });
    const { terminal, last } = summarise((await readSse(response)).events);
    expect(terminal).toHaveLength(1);
    expect(last).toEqual(
      expect.objectContaining({
        event: 'error',
        data: { error_code: 'MODEL_NOT_FOUND', message: expect.any(String), details: expect.any(Object) },
      }),
    );
  });
});

describe('GET /config', () => {
  it('answers the settings in snake_case with revision, secrets replaced', async () => {
    const response = await get('/config');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(FAKE_OPENAI_KEY);
    const config = JSON.parse(text) as { revision: string; providers: Record<string, unknown>[] };
    expect(config.revision).toEqual(expect.any(String));
    expect(config.providers[1]).toEqual(
      expect.objectContaining({
        id: 'fake_openai',
        api_key_set: true,
        api_key_source: 'file',
        proxy_set: false,
      }),
    );
    expect(config.providers[1]).not.toHaveProperty('api_key');
  });
});

describe('GET /logs', () => {
  it('answers the newest entries, oldest first, in the log line format', async () => {
    await readSse(await postChat(world, { prompt: 'log me' }));
    const response = await get('/logs?limit=2');
    expect(response.status).toBe(200);
    const entries = (await response.json()) as Record<string, unknown>[];
    expect(entries).toHaveLength(2);
    expect(entries[0]).toEqual(
      expect.objectContaining({ role: 'user', content: 'log me', provider_id: 'fake_ollama' }),
    );
    expect(entries[1]).toEqual(
      expect.objectContaining({
        role: 'assistant',
        content: FAKE_OLLAMA_ANSWER,
        details: expect.objectContaining({ finish_reason: 'stop' }),
      }),
    );
    expect(Date.parse(String(entries[0]?.ts))).toBeLessThanOrEqual(Date.parse(String(entries[1]?.ts)));
  });

  it('defaults to 200 entries and refuses more than 5000 (422) or a malformed limit (400)', async () => {
    expect((await get('/logs')).status).toBe(200);
    expect((await get('/logs?limit=5000')).status).toBe(200);
    const tooMany = await get('/logs?limit=5001');
    expect(tooMany.status).toBe(422);
    expect(((await tooMany.json()) as { error_code: string }).error_code).toBe('VALIDATION_ERROR');
    const malformed = await get('/logs?limit=lots');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error_code: string }).error_code).toBe('VALIDATION_ERROR');
  });
});

describe('the web UI', () => {
  it('says how to build it when it is missing, with the UI security headers', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('npm run build');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves the built page and its assets, and no client-side routes', async () => {
    const staticDir = join(world.dir, 'renderer');
    await mkdir(join(staticDir, 'assets'), { recursive: true });
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>LightChat UI</title>');
    await writeFile(join(staticDir, 'assets', 'app-1a2b.js'), 'console.log(1)');
    const { startHttpServer } = await import('../../../src/adapters/api/http-server.js');
    const server = await startHttpServer({ core: world.core, port: 0, staticDir });
    try {
      for (const path of ['/', '/index.html']) {
        const page = await fetch(`${server.url}${path}`);
        expect(await page.text()).toContain('LightChat UI');
        expect(page.headers.get('x-frame-options')).toBe('DENY');
      }
      const asset = await fetch(`${server.url}/assets/app-1a2b.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
      for (const path of ['/settings', '/assets/missing.js', '/assets/..%2f..%2fsettings.yaml']) {
        const missing = await fetch(`${server.url}${path}`, { headers: world.auth });
        expect(missing.status).toBe(404);
        expect(((await missing.json()) as { error_code: string }).error_code).toBe('NOT_FOUND');
      }
    } finally {
      await server.close();
    }
  });
});
