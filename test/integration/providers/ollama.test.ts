import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { refusedUrl } from '../../fixtures/refused-url.js';
import {
  drain,
  gate,
  mockProviderServer,
  ollamaDone,
  ollamaLine,
  rejection,
  streamedResponse,
  textOf,
} from './support.js';
import { ollamaWorld } from './worlds.js';

const server = mockProviderServer();
const HOST = 'http://127.0.0.1:11434';

/** Answers /api/show with `capabilities` and /api/chat with `lines`; records what was asked. */
function ollamaServer(options: { capabilities?: string[]; lines?: string[] } = {}) {
  const asked = { show: [] as unknown[], chat: [] as Record<string, unknown>[] };
  server.use(
    http.post(`${HOST}/api/show`, async ({ request }) => {
      asked.show.push(await request.json());
      return HttpResponse.json({ capabilities: options.capabilities ?? ['completion'] });
    }),
    http.post(`${HOST}/api/chat`, async ({ request }) => {
      asked.chat.push((await request.clone().json()) as Record<string, unknown>);
      return streamedResponse(
        request,
        'application/x-ndjson',
        options.lines ?? [ollamaLine({ content: 'Hi' }), ollamaDone()],
      );
    }),
  );
  return asked;
}

describe('the Ollama adapter', () => {
  it('asks for thinking only for models whose /api/show lists it, and asks /api/show once per model', async () => {
    const asked = ollamaServer({ capabilities: ['completion', 'thinking'] });
    const provider = ollamaWorld.provider();
    await drain(provider, { model: 'qwen3' });
    await drain(provider, { model: 'qwen3' });
    expect(asked.show).toEqual([{ model: 'qwen3' }]);
    expect(asked.chat[0]).toMatchObject({ model: 'qwen3', stream: true, think: true });

    const plain = ollamaServer({ capabilities: ['completion'] });
    await drain(ollamaWorld.provider(), { model: 'llama3.2' });
    expect(plain.chat[0]).not.toHaveProperty('think');
  });

  it('calls a model with the thinking capability a reasoning model, asking /api/show once per model', async () => {
    const asked = ollamaServer({ capabilities: ['completion', 'thinking'] });
    const provider = ollamaWorld.provider();
    const signal = new AbortController().signal;
    expect(await provider.isReasoningModel?.('qwen3', signal)).toBe(true);
    await drain(provider, { model: 'qwen3' });
    expect(asked.show).toEqual([{ model: 'qwen3' }]);
    expect(asked.chat[0]).toMatchObject({ think: true });
    ollamaServer({ capabilities: ['completion'] });
    expect(await ollamaWorld.provider().isReasoningModel?.('llama3.2', signal)).toBe(false);
  });

  it('treats a failed /api/show as "not thinking" and still sends the chat', async () => {
    const asked = ollamaServer();
    server.use(http.post(`${HOST}/api/show`, () => HttpResponse.json({ error: 'boom' }, { status: 500 })));
    const provider = ollamaWorld.provider();
    expect(await provider.isReasoningModel?.('llama3.2', new AbortController().signal)).toBe(false);
    const { chunks, error } = await drain(provider);
    expect(error).toBeUndefined();
    expect(textOf(chunks)).toBe('Hi');
    expect(asked.chat[0]).not.toHaveProperty('think');
  });

  it('streams message.thinking as thinking, apart from the answer', async () => {
    ollamaServer({
      capabilities: ['completion', 'thinking'],
      lines: [
        ollamaLine({ thinking: 'Let me ' }),
        ollamaLine({ thinking: 'think.' }),
        ollamaLine({ content: 'Four.' }),
        ollamaDone({ prompt_eval_count: 20, eval_count: 9 }, 'stop'),
      ],
    });
    const { chunks } = await drain(ollamaWorld.provider(), { model: 'qwen3' });
    expect(chunks).toEqual([
      { type: 'thinking', text: 'Let me ' },
      { type: 'thinking', text: 'think.' },
      { type: 'token', text: 'Four.' },
      { type: 'done', finishReason: 'stop', usage: { promptTokens: 20, completionTokens: 9 } },
    ]);
  });

  it('passes done_reason through (length) and maps options to temperature, num_predict, num_ctx', async () => {
    const asked = ollamaServer({ lines: [ollamaLine({ content: 'Hi' }), ollamaDone(undefined, 'length')] });
    const provider = ollamaWorld.provider();
    const chunks = [];
    for await (const chunk of provider.streamChat(
      {
        model: 'llama3.2',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        options: { temperature: 0.2, maxTokens: 64, numCtx: 8192 },
      },
      new AbortController().signal,
    )) {
      chunks.push(chunk);
    }
    expect(chunks.at(-1)).toMatchObject({ type: 'done', finishReason: 'length' });
    expect(asked.chat[0]).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      options: { temperature: 0.2, num_predict: 64, num_ctx: 8192 },
    });
  });

  it('lists models from /api/tags with size, date, family, parameter size and quantization', async () => {
    server.use(
      http.get(`${HOST}/api/tags`, () =>
        HttpResponse.json({
          models: [
            {
              name: 'llama3.2:latest',
              model: 'llama3.2:latest',
              modified_at: '2026-11-01T10:00:00.000Z',
              size: 2_019_393_189,
              digest: 'a80c4f17acd5',
              details: { family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
            },
            {
              name: 'bare:latest',
              model: 'bare:latest',
              modified_at: '2026-11-02T10:00:00Z',
              size: 1,
              details: {},
            },
          ],
        }),
      ),
    );
    expect(await ollamaWorld.provider().listModels()).toEqual([
      {
        id: 'llama3.2:latest',
        name: 'llama3.2:latest',
        sizeBytes: 2_019_393_189,
        modifiedAt: '2026-11-01T10:00:00.000Z',
        family: 'llama',
        parameterSize: '3.2B',
        quantization: 'Q4_K_M',
        // This Ollama answers no /api/show nor /api/ps: capabilities unknown, loaded not said.
        capabilities: null,
      },
      {
        id: 'bare:latest',
        name: 'bare:latest',
        sizeBytes: 1,
        modifiedAt: '2026-11-02T10:00:00Z',
        capabilities: null,
      },
    ]);
  });

  it('says how to start Ollama when the connection is refused', async () => {
    const host = await refusedUrl();
    const error = await rejection(ollamaWorld.provider({ host }).listModels());
    expect(error.code).toBe('PROVIDER_UNREACHABLE');
    expect(error.message).toBe(
      `Ollama is not running at ${host} (connection refused). Start it with \`ollama serve\`, or change the host in settings.yaml.`,
    );
  });

  it('says how to pull a model that is not installed', async () => {
    // Ollama answers both /api/show and /api/chat so (real-wire err-ollama-404-model).
    const notFound = () => HttpResponse.json({ error: "model 'llama3.2' not found" }, { status: 404 });
    server.use(http.post(`${HOST}/api/show`, notFound), http.post(`${HOST}/api/chat`, notFound));
    const { error } = await drain(ollamaWorld.provider(), { model: 'llama3.2' });
    expect(error?.code).toBe('MODEL_NOT_FOUND');
    expect(error?.message).toBe('Model "llama3.2" is not installed in Ollama. Run `ollama pull llama3.2`.');
  });

  it("explains a 403 as a proxy or Ollama's host check, never advising OLLAMA_ORIGINS", async () => {
    server.use(http.get(`${HOST}/api/tags`, () => new HttpResponse(null, { status: 403 })));
    const error = await rejection(ollamaWorld.provider().listModels());
    expect(error).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED', failure: 'client' });
    expect(error.message).not.toContain('OLLAMA_ORIGINS');
    expect(error.message).toMatch(/proxy/);
  });

  it("shows Ollama's own error text, from JSON or plain bodies, without console noise", async () => {
    ollamaServer();
    server.use(
      http.post(`${HOST}/api/chat`, () =>
        HttpResponse.text('upstream exploded', { status: 502, headers: { 'content-type': 'text/plain' } }),
      ),
    );
    const log = [...(['log', 'warn', 'error'] as const)].map((name) => {
      const original = console[name];
      const lines: unknown[] = [];
      console[name] = (...args: unknown[]) => lines.push(args);
      return { restore: () => (console[name] = original), lines };
    });
    const { error } = await drain(ollamaWorld.provider());
    for (const entry of log) entry.restore();
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      failure: 'server',
      details: { status: 502, provider_message: 'upstream exploded' },
    });
    expect(log.flatMap((entry) => entry.lines)).toEqual([]);
  });

  it('turns an {"error": …} line in the stream into PROVIDER_ERROR after the text before it', async () => {
    ollamaServer({
      lines: [
        ollamaLine({ content: 'Hel' }),
        `${JSON.stringify({ error: 'model runner has unexpectedly stopped' })}\n`,
      ],
    });
    const { chunks, error } = await drain(ollamaWorld.provider());
    expect(textOf(chunks)).toBe('Hel');
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', failure: 'server' });
    expect(error?.message).toContain('model runner has unexpectedly stopped');
  });

  it('reads Retry-After on a 429 from a server in front of Ollama', async () => {
    ollamaServer();
    server.use(
      http.post(
        `${HOST}/api/chat`,
        () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '3' } }),
      ),
    );
    const { error } = await drain(ollamaWorld.provider());
    expect(error).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', retryAfterS: 3 });
  });

  it('hands on what one network read held as one chunk per kind, with its count; the first text alone, nothing waits', async () => {
    const next = gate();
    server.use(
      http.post(`${HOST}/api/show`, () => HttpResponse.json({ capabilities: ['completion', 'thinking'] })),
      http.post(`${HOST}/api/chat`, ({ request }) =>
        streamedResponse(request, 'application/x-ndjson', [
          [
            ollamaLine({ thinking: 'a' }),
            ollamaLine({ thinking: 'b' }),
            ollamaLine({ thinking: 'c' }),
            ollamaLine({ content: 'X' }),
            ollamaLine({ content: 'Y' }),
            ollamaLine({ content: 'Z' }),
          ].join(''),
          { wait: next.opened },
          ollamaLine({ content: 'W' }) + ollamaDone({ prompt_eval_count: 3, eval_count: 7 }),
        ]),
      ),
    );
    const iterator = ollamaWorld
      .provider()
      .streamChat(
        { model: 'qwen3', messages: [{ role: 'user', content: 'Hi' }], options: {} },
        new AbortController().signal,
      )
      [Symbol.asyncIterator]();
    const firstRead = [];
    for (let i = 0; i < 3; i++) firstRead.push((await iterator.next()).value);
    expect(firstRead).toEqual([
      { type: 'thinking', text: 'a' },
      { type: 'thinking', text: 'bc', count: 2 },
      { type: 'token', text: 'XYZ', count: 3 },
    ]);
    next.open();
    expect((await iterator.next()).value).toEqual({ type: 'token', text: 'W' });
    expect((await iterator.next()).value).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 3, completionTokens: 7 },
    });
  });
});
