import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createProviderFactories } from '../../../src/adapters/providers/index.js';
import type { ProviderConfig } from '../../../src/domain/settings.js';
import {
  drain,
  mockProviderServer,
  openAIError,
  rejection,
  SSE_DONE,
  sse,
  sseChunk,
  sseUsage,
  streamedResponse,
  textOf,
} from './support.js';
import { openaiWorld, SECRET_KEY } from './worlds.js';

const server = mockProviderServer();
const OPENAI = 'https://api.openai.com/v1';
const LOCAL = 'http://127.0.0.1:11435/v1'; // an OpenAI-compatible server on this machine (LM Studio, llama.cpp)

const FINISHED = [sseChunk({ content: 'Hi' }), sseChunk({}, 'stop'), sseUsage(12, 1), SSE_DONE];

/** Answers chat completions on `base` with `answer`; records request bodies and headers. */
function completions(base: string, answer: (request: Request, body: Record<string, unknown>) => Response) {
  const asked: { body: Record<string, unknown>; authorization: string | null }[] = [];
  server.use(
    http.post(`${base}/chat/completions`, async ({ request }) => {
      const body = (await request.clone().json()) as Record<string, unknown>;
      asked.push({ body, authorization: request.headers.get('authorization') });
      return answer(request, body);
    }),
  );
  return asked;
}

const stream = (request: Request, parts: string[]) => streamedResponse(request, 'text/event-stream', parts);

function localServer(overrides: Partial<ProviderConfig> = {}) {
  return createProviderFactories({ env: {} }).openai({
    id: 'lmstudio',
    name: 'LM Studio',
    type: 'openai',
    host: LOCAL,
    defaultModel: null,
    systemPrompt: null,
    ...overrides,
  });
}

describe('the OpenAI adapter', () => {
  it('asks for usage in the stream, with the key, and without SDK retries', async () => {
    const asked = completions(OPENAI, () => new HttpResponse(null, { status: 503 }));
    await drain(openaiWorld.provider(), { model: 'gpt-4o-mini' });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(asked[0]?.body).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('turns reasoning_content, reasoning and inline <think> into thinking', async () => {
    completions(OPENAI, (request) =>
      stream(request, [
        sseChunk({ role: 'assistant', reasoning_content: 'First, ' }),
        sseChunk({ reasoning: 'then ' }),
        sseChunk({ content: '<think>finally</think>' }),
        sseChunk({ content: 'Answer.' }),
        sseChunk({}, 'stop'),
        sseUsage(5, 4),
        SSE_DONE,
      ]),
    );
    const { chunks } = await drain(openaiWorld.provider(), { model: 'deepseek-r1' });
    expect(textOf(chunks, 'thinking')).toBe('First, then finally');
    expect(textOf(chunks)).toBe('Answer.');
    expect(chunks.at(-1)).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 5, completionTokens: 4 },
    });
  });

  it('calls a stream that ends with [DONE] but names no finish reason finished ("stop"), as Snowflake Cortex sends it', async () => {
    completions(OPENAI, (request) =>
      stream(request, [sseChunk({ content: 'Hi' }, null), sseUsage(7, 1), SSE_DONE]),
    );
    const { chunks, error } = await drain(openaiWorld.provider(), { model: 'claude-sonnet-4-6' });
    expect(error).toBeUndefined();
    expect(chunks).toEqual([
      { type: 'token', text: 'Hi' },
      { type: 'done', finishReason: 'stop', usage: { promptTokens: 7, completionTokens: 1 } },
    ]);
  });

  it('calls a stream cut inside its last event cut (no done), not malformed', async () => {
    completions(OPENAI, (request) =>
      stream(request, [sseChunk({ content: 'Hel' }), 'data: {"id":"chatcmpl-1","choices":[{"ind']),
    );
    const { chunks, error } = await drain(openaiWorld.provider(), { model: 'gpt-4o-mini' });
    expect(error).toBeUndefined();
    expect(chunks).toEqual([{ type: 'token', text: 'Hel' }]);
  });

  it("reads Mistral's delta.content arrays: thinking parts are thinking, text parts the answer", async () => {
    completions(OPENAI, (request) =>
      stream(request, [
        sseChunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Look ' }] }] }),
        sseChunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'both ways.' }] }] }),
        sseChunk({ content: [{ type: 'text', text: 'Look left, ' }] }),
        sseChunk({ content: 'then right.' }),
        sseChunk({}, 'stop'),
        SSE_DONE,
      ]),
    );
    const { chunks } = await drain(openaiWorld.provider(), { model: 'magistral-medium-latest' });
    expect(textOf(chunks, 'thinking')).toBe('Look both ways.');
    expect(textOf(chunks)).toBe('Look left, then right.');
  });

  it('shows reasoning_details of type reasoning.text only when no reasoning string came, never reasoning.encrypted', async () => {
    const details = (text: string) => [
      { type: 'reasoning.text', text, format: 'anthropic-claude-v1', index: 0 },
    ];
    completions(OPENAI, (request) =>
      stream(request, [
        sseChunk({ content: '', reasoning_details: [{ type: 'reasoning.encrypted', data: 'gAAAA-SECRET' }] }),
        sseChunk({ content: '', reasoning_details: details('15 * 27') }),
        sseChunk({ content: '', reasoning_details: details(' = 405') }),
        sseChunk({ content: '405' }),
        sseChunk({}, 'stop'),
        SSE_DONE,
      ]),
    );
    const { chunks } = await drain(openaiWorld.provider(), { model: 'claude-sonnet-4-6' });
    expect(textOf(chunks, 'thinking')).toBe('15 * 27 = 405');
    expect(JSON.stringify(chunks)).not.toContain('SECRET');

    completions(OPENAI, (request) =>
      stream(request, [
        sseChunk({ reasoning: 'This', reasoning_details: details('This') }),
        sseChunk({ reasoning: null, reasoning_details: details(' twice') }),
        sseChunk({ content: '4' }),
        sseChunk({}, 'stop'),
        SSE_DONE,
      ]),
    );
    const both = await drain(openaiWorld.provider(), { model: 'anthropic/claude-sonnet-4.5' });
    expect(textOf(both.chunks, 'thinking')).toBe('This');
  });

  it("reads Groq's usage from x_groq.usage", async () => {
    completions(OPENAI, (request) =>
      stream(request, [
        sseChunk({ content: 'Hi' }),
        sse({
          id: 'chatcmpl-1',
          object: 'chat.completion.chunk',
          model: 'llama3-8b-8192',
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          x_groq: { id: 'req_1', usage: { prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 } },
        }),
        SSE_DONE,
      ]),
    );
    const { chunks } = await drain(openaiWorld.provider(), { model: 'llama3-8b-8192' });
    expect(chunks.at(-1)).toEqual({
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 21, completionTokens: 5 },
    });
  });

  it('ends with PROVIDER_ERROR when OpenRouter sends an error object after the finish chunk, keeping the thinking', async () => {
    completions(OPENAI, (request) =>
      stream(request, [
        ': OPENROUTER PROCESSING\n\n',
        sseChunk({ reasoning: 'We need' }, 'length'),
        sse({ error: { code: 400, message: 'Token limit reached' }, choices: [] }),
        SSE_DONE,
      ]),
    );
    const { chunks, error } = await drain(openaiWorld.provider(), { model: 'minimax/minimax-m2:free' });
    expect(textOf(chunks, 'thinking')).toBe('We need');
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(error?.message).toContain('Token limit reached');
  });

  it('calls o-series and gpt-5 models reasoning models, by their id', async () => {
    const provider = openaiWorld.provider();
    const signal = new AbortController().signal;
    const reasoning = async (model: string) => provider.isReasoningModel?.(model, signal);
    for (const model of ['o1', 'o3-mini', 'o4-mini', 'openai/o3', 'gpt-5', 'gpt-5-mini', 'gpt-5.1']) {
      expect(await reasoning(model), model).toBe(true);
    }
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'llama3.2', 'omni-moderation-latest']) {
      expect(await reasoning(model), model).toBe(false);
    }
  });

  it('sends max_completion_tokens (and no temperature) to reasoning models, max_tokens to others', async () => {
    const asked = completions(OPENAI, (request) => stream(request, FINISHED));
    const provider = openaiWorld.provider();
    for (const model of ['o3-mini', 'gpt-5', 'o1', 'openai/o4-mini', 'gpt-4o']) {
      await drain(provider, { model, maxTokens: 100, temperature: 0.3 });
    }
    const sent = asked.map(({ body }) => [
      body.model,
      body.max_completion_tokens,
      body.max_tokens,
      body.temperature,
    ]);
    expect(sent).toEqual([
      ['o3-mini', 100, undefined, undefined],
      ['gpt-5', 100, undefined, undefined],
      ['o1', 100, undefined, undefined],
      ['openai/o4-mini', 100, undefined, undefined],
      ['gpt-4o', undefined, 100, 0.3],
    ]);
  });

  it('retries once without stream_options when a server rejects it, and remembers that host', async () => {
    const asked = completions(LOCAL, (request, body) =>
      body.stream_options
        ? HttpResponse.json(
            openAIError('Unrecognized request argument supplied: stream_options', 'invalid_request_error'),
            {
              status: 400,
            },
          )
        : stream(request, [sseChunk({ content: 'Hi' }), sseChunk({}, 'stop'), SSE_DONE]),
    );
    const factories = createProviderFactories({ env: {} });
    const config: ProviderConfig = {
      id: 'llamacpp',
      name: null,
      type: 'openai',
      host: LOCAL,
      defaultModel: null,
      systemPrompt: null,
    };
    const first = await drain(factories.openai(config), { model: 'qwen' });
    expect(first.chunks).toEqual([
      { type: 'token', text: 'Hi' },
      { type: 'done', finishReason: 'stop' },
    ]);
    // A provider rebuilt from the same factories (a settings reload) does not ask again.
    await drain(factories.openai(config), { model: 'qwen' });
    expect(asked.map(({ body }) => 'stream_options' in body)).toEqual([true, false, false]);
  });

  it('works keyless against a local server (a placeholder key is sent)', async () => {
    const asked = completions(LOCAL, (request) => stream(request, FINISHED));
    const { chunks, error } = await drain(localServer(), { model: 'qwen' });
    expect(error).toBeUndefined();
    expect(textOf(chunks)).toBe('Hi');
    expect(asked[0]?.authorization).toMatch(/^Bearer \S+$/);
  });

  it('refuses to call a remote host without a key, saying where the key goes', async () => {
    const provider = createProviderFactories({ env: {} }).openai({
      id: 'openai',
      name: null,
      type: 'openai',
      host: OPENAI,
      apiKeyEnv: 'OPENAI_API_KEY',
      defaultModel: null,
      systemPrompt: null,
    });
    const { error } = await drain(provider, { model: 'gpt-4o' });
    expect(error).toMatchObject({
      code: 'PROVIDER_UNAUTHORIZED',
      failure: 'client',
      details: { reason: 'missing_api_key' },
    });
    expect(error?.message).toBe(
      'OpenAI needs an API key. Set OPENAI_API_KEY or api_key for provider "openai".',
    );
    await expect(provider.listModels()).rejects.toMatchObject({ code: 'PROVIDER_UNAUTHORIZED' });
  });

  it('maps a 401 to PROVIDER_UNAUTHORIZED and never repeats the key the server echoed', async () => {
    completions(OPENAI, () =>
      HttpResponse.json(
        openAIError(
          `Incorrect API key provided: ${SECRET_KEY}. You can find your API key at …`,
          'invalid_request_error',
          'invalid_api_key',
        ),
        { status: 401 },
      ),
    );
    const { error } = await drain(openaiWorld.provider(), { model: 'gpt-4o' });
    expect(error).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED', failure: 'client' });
    expect(error?.message).toBe(
      'OpenAI rejected the API key (401). Set OPENAI_API_KEY or api_key for provider "openai".',
    );
    expect(JSON.stringify(error?.details)).not.toContain('CONTRACT-SECRET');
  });

  it('maps 429 insufficient_quota to PROVIDER_RATE_LIMITED with failure "quota" (never retried)', async () => {
    completions(OPENAI, () =>
      HttpResponse.json(
        openAIError('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota'),
        {
          status: 429,
        },
      ),
    );
    const { error } = await drain(openaiWorld.provider(), { model: 'gpt-4o' });
    expect(error).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', failure: 'quota' });
  });

  it('reads retry-after-ms as well as Retry-After', async () => {
    completions(OPENAI, () => new HttpResponse(null, { status: 429, headers: { 'retry-after-ms': '1500' } }));
    const { error } = await drain(openaiWorld.provider(), { model: 'gpt-4o' });
    expect(error).toMatchObject({ failure: 'rate_limit', retryAfterS: 2 });
  });

  it('maps context_length_exceeded to CONTEXT_TOO_LONG', async () => {
    completions(OPENAI, () =>
      HttpResponse.json(
        openAIError(
          "This model's maximum context length is 128000 tokens.",
          'invalid_request_error',
          'context_length_exceeded',
        ),
        { status: 400 },
      ),
    );
    const { error } = await drain(openaiWorld.provider(), { model: 'gpt-4o' });
    expect(error).toMatchObject({ code: 'CONTEXT_TOO_LONG', failure: 'client' });
  });

  it('maps an error event inside the stream to PROVIDER_ERROR', async () => {
    completions(OPENAI, (request) =>
      stream(request, [
        sseChunk({ content: 'Hel' }),
        sse({ error: { message: 'The server had an error', type: 'server_error' } }),
      ]),
    );
    const { chunks, error } = await drain(openaiWorld.provider(), { model: 'gpt-4o' });
    expect(textOf(chunks)).toBe('Hel');
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(error?.message).toContain('The server had an error');
  });

  it('lists models from /models', async () => {
    server.use(
      http.get(`${OPENAI}/models`, () =>
        HttpResponse.json({
          object: 'list',
          data: [
            { id: 'gpt-4o', object: 'model', created: 1_715_367_049, owned_by: 'system' },
            { id: 'text-embedding-3-small', object: 'model', created: 1_705_948_997, owned_by: 'system' },
          ],
        }),
      ),
    );
    expect(await openaiWorld.provider().listModels()).toEqual([
      { id: 'gpt-4o', name: 'gpt-4o', modifiedAt: '2024-05-10T18:50:49.000Z' },
      {
        id: 'text-embedding-3-small',
        name: 'text-embedding-3-small',
        modifiedAt: '2024-01-22T18:43:17.000Z',
      },
    ]);
  });

  it('falls back to default_model when the server has no /models', async () => {
    server.use(http.get(`${LOCAL}/models`, () => new HttpResponse('Not Found', { status: 404 })));
    expect(await localServer({ defaultModel: 'qwen2.5-7b' }).listModels()).toEqual([
      { id: 'qwen2.5-7b', name: 'qwen2.5-7b' },
    ]);
    const error = await rejection(localServer().listModels());
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toContain('Set default_model for provider "lmstudio"');
  });
});
