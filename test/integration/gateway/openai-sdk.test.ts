import {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OLLAMA_ANSWER, FAKE_OPENAI_ANSWER, HANG_MS, tokenize, waitFor } from '../../fixtures/index.js';
import { echoAnswer, type GatewayWorld, startGatewayWorld } from './gateway-world.js';

let world: GatewayWorld;
beforeAll(async () => {
  world = await startGatewayWorld({
    // The gateway passes conversations through: a provider's own system prompt is not added.
    providerExtras: { fake_openai: ['system_prompt: Always answer in rhyme.'] },
    ollama: {
      models: ['llama3.2', 'down', 'cut', 'slow', 'loading', { name: 'thinker', thinking: true }],
      faults: { down: { refuse: true }, cut: { cutAfter: 3 } },
      behaviour: (request) =>
        request.model === 'thinker'
          ? { thinking: 'Let me think.', text: 'Thought it through.' }
          : request.model === 'slow'
            ? { text: 'word '.repeat(2000), tokensPerSecond: 200 }
            : request.model === 'loading'
              ? { text: 'Too late.', delayFirstMs: HANG_MS * 10 }
              : {
                  text: request.messages.at(-1)?.content.startsWith('echo: ')
                    ? echoAnswer(request.messages.at(-1)?.content.slice(6) ?? '')
                    : FAKE_OLLAMA_ANSWER,
                },
    },
    openai: {
      models: ['gpt-4o-mini', 'limited', 'slow'],
      faults: { limited: { status: 429, retryAfter: 30 } },
      behaviour: (request) =>
        request.model === 'slow'
          ? { text: 'word '.repeat(2000), tokensPerSecond: 200 }
          : { text: FAKE_OPENAI_ANSWER },
    },
  });
});
afterAll(() => world.close());

const user = (content: string) => [{ role: 'user' as const, content }];

describe('the official openai SDK against /v1/chat/completions', () => {
  it('gets the whole answer, usage and finish reason without streaming', async () => {
    const completion = await world.client().chat.completions.create({
      model: 'fake_ollama/llama3.2',
      messages: user('Hello'),
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('fake_ollama/llama3.2');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: FAKE_OLLAMA_ANSWER });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const completionTokens = tokenize(FAKE_OLLAMA_ANSWER).length;
    expect(completion.usage).toEqual({
      prompt_tokens: 1,
      completion_tokens: completionTokens,
      total_tokens: 1 + completionTokens,
    });
  });

  it('streams the exact text: a role chunk first, one id and created, the model echoed, then the finish chunk', async () => {
    const stream = await world.client().chat.completions.create({
      model: 'fake_openai/gpt-4o-mini',
      messages: user('Hello'),
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(FAKE_OPENAI_ANSWER);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(new Set(chunks.map((chunk) => chunk.created)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.model === 'fake_openai/gpt-4o-mini')).toBe(true);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.slice(0, -1).every((chunk) => chunk.choices[0]?.finish_reason === null)).toBe(true);
    // No usage unless asked for.
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
  });

  it('sends a usage chunk with no choices last when stream_options.include_usage is set', async () => {
    const stream = await world.client().chat.completions.create({
      model: 'fake_ollama/llama3.2',
      messages: user('Hello there'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    const completionTokens = tokenize(FAKE_OLLAMA_ANSWER).length;
    expect(last?.usage).toEqual({
      prompt_tokens: 2,
      completion_tokens: completionTokens,
      total_tokens: 2 + completionTokens,
    });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('says finish_reason "length" when max_tokens cuts the answer', async () => {
    const completion = await world.client().chat.completions.create({
      model: 'fake_openai/gpt-4o-mini',
      messages: user('Hello'),
      max_tokens: 3,
    });
    expect(completion.choices[0]?.message.content).toBe(tokenize(FAKE_OPENAI_ANSWER).slice(0, 3).join(''));
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  it("passes a reasoning model's thinking as reasoning_content deltas, apart from the content", async () => {
    const stream = await world.client().chat.completions.create({
      model: 'fake_ollama/thinker',
      messages: user('Think'),
      stream: true,
    });
    let reasoning = '';
    let content = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as
        | { content?: string | null; reasoning_content?: string }
        | undefined;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
    }
    expect(reasoning).toBe('Let me think.');
    expect(content).toBe('Thought it through.');
  });

  it('passes the conversation verbatim: no provider system prompt, every message as sent', async () => {
    const before = world.openai.requests.length;
    await world.client().chat.completions.create({
      model: 'fake_openai/gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'One' },
        { role: 'assistant', content: 'Two' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Thr' },
            { type: 'text', text: 'ee' },
          ],
        },
      ],
      temperature: 0.2,
      top_p: 0.5,
      seed: 7,
      stop: ['END'],
      response_format: { type: 'json_object' },
    });
    const body = world.openai.requests
      .slice(before)
      .find((request) => request.path === '/v1/chat/completions')?.body as Record<string, unknown>;
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'Two' },
      { role: 'user', content: 'Three' },
    ]);
    expect(body).toMatchObject({
      temperature: 0.2,
      top_p: 0.5,
      seed: 7,
      stop: ['END'],
      response_format: { type: 'json_object' },
    });
  });

  it('maps JSON mode and the sampling parameters to Ollama', async () => {
    const before = world.ollama.requests.length;
    await world.client().chat.completions.create({
      model: 'fake_ollama/llama3.2',
      messages: user('json please'),
      response_format: { type: 'json_object' },
      top_p: 0.9,
      seed: 3,
      stop: 'END',
      max_completion_tokens: 50,
    });
    const body = world.ollama.requests.slice(before).find((request) => request.path === '/api/chat')
      ?.body as Record<string, unknown>;
    expect(body.format).toBe('json');
    expect(body.options).toMatchObject({ top_p: 0.9, seed: 3, stop: ['END'], num_predict: 50 });
  });

  it('gives 50 concurrent streams each exactly their own text', async () => {
    const client = world.client();
    const prompts = Array.from({ length: 50 }, (_, index) => `number ${index}`);
    const texts = await Promise.all(
      prompts.map(async (prompt, index) => {
        const stream = await client.chat.completions.create({
          model: index % 2 === 0 ? 'fake_ollama/llama3.2' : 'fake_openai/gpt-4o-mini',
          messages: user(`echo: ${prompt}`),
          stream: true,
        });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return text;
      }),
    );
    expect(texts).toEqual(
      prompts.map((prompt, index) => (index % 2 === 0 ? echoAnswer(prompt) : FAKE_OPENAI_ANSWER)),
    );
  });

  it.each([
    ['fake_ollama', () => world.ollama],
    ['fake_openai', () => world.openai],
  ])('aborts the %s request when the client breaks out of its loop', async (providerId, fake) => {
    const aborted = fake().stats.aborted;
    const stream = await world.client().chat.completions.create({
      model: `${providerId}/slow`,
      messages: user('Go on'),
      stream: true,
    });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
    await waitFor(() => fake().stats.aborted === aborted + 1, 'the fake sees the abort');
  });
});

describe('a client that goes away', () => {
  it('aborts the provider request while the model has not sent its first token yet', async () => {
    const { started, aborted } = world.ollama.stats;
    const client = new AbortController();
    const request = world
      .client()
      .chat.completions.create(
        { model: 'fake_ollama/loading', messages: user('Hi'), stream: true },
        {
          signal: client.signal,
        },
      )
      .catch((caught: unknown) => caught);
    await waitFor(() => world.ollama.stats.started === started + 1, 'the fake gets the chat');
    client.abort();
    await request;
    await waitFor(() => world.ollama.stats.aborted === aborted + 1, 'the fake sees the abort');
  });
});

describe('errors reach the openai SDK as its own error classes', () => {
  it('an unknown model is NotFoundError 404 model_not_found, naming the available ids', async () => {
    const error = await world
      .client()
      .chat.completions.create({ model: 'fake_ollama/nope', messages: user('Hi') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(404);
    expect((error as NotFoundError).code).toBe('model_not_found');
    expect((error as NotFoundError).message).toContain('fake_ollama/llama3.2');
  });

  it('a wrong key is AuthenticationError 401 invalid_api_key', async () => {
    const error = await world
      .client({ apiKey: 'lcgw-wrong' })
      .chat.completions.create({ model: 'fake_ollama/llama3.2', messages: user('Hi') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe('invalid_api_key');
  });

  it('n > 1 is BadRequestError 400 naming the parameter', async () => {
    const error = await world
      .client()
      .chat.completions.create({ model: 'fake_ollama/llama3.2', messages: user('Hi'), n: 2 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('n');
  });

  it("a provider's rate limit is RateLimitError 429 with its Retry-After passed on", async () => {
    const error = await world
      .client()
      .chat.completions.create({ model: 'fake_openai/limited', messages: user('Hi'), stream: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers?.get('retry-after')).toBe('30');
  });

  it('an unreachable provider is a 502 (InternalServerError)', async () => {
    const error = await world
      .client()
      .chat.completions.create({ model: 'fake_ollama/down', messages: user('Hi'), stream: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(502);
    expect((error as InternalServerError).code).toBe('provider_unreachable');
  });

  it('a failure after the stream began arrives as one error chunk, and the stream ends', async () => {
    const stream = await world.client().chat.completions.create({
      model: 'fake_ollama/cut',
      messages: user('Hi'),
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain('partial answer');
    expect(text).toBe(tokenize(FAKE_OLLAMA_ANSWER).slice(0, 3).join(''));
  });
});

describe('the gateway_call log entry', () => {
  it('holds metadata only: key name, user agent, model, tokens, duration, outcome — never the messages', async () => {
    await world.client().chat.completions.create({
      model: 'fake_ollama/llama3.2',
      messages: user('a secret question about my health'),
      logit_bias: { '1': 1 },
    });
    await world.core.logs.flush();
    const entries = await world.core.logs.recent(500);
    const calls = entries.filter((entry) => entry.eventType === 'gateway_call');
    const last = calls.at(-1);
    expect(last).toMatchObject({
      providerId: 'fake_ollama',
      modelId: 'llama3.2',
      details: {
        key_name: 'tests',
        user_agent: expect.stringContaining('OpenAI/JS'),
        model: 'fake_ollama/llama3.2',
        outcome: 'ok',
        status: 200,
        completion_tokens: tokenize(FAKE_OLLAMA_ANSWER).length,
        duration_ms: expect.any(Number),
        ignored_params: ['logit_bias'],
      },
    });
    const text = JSON.stringify(entries);
    expect(text).not.toContain('secret question');
    expect(text).not.toContain(FAKE_OLLAMA_ANSWER);
    expect(text).not.toContain(world.key);
  });

  it('is written once per call: a streamed answer, a failed call', async () => {
    const count = async () => {
      await world.core.logs.flush();
      return (await world.core.logs.recent(2000)).filter((entry) => entry.eventType === 'gateway_call')
        .length;
    };
    const before = await count();
    const stream = await world.client().chat.completions.create({
      model: 'fake_openai/gpt-4o-mini',
      messages: user('Hi'),
      stream: true,
    });
    for await (const _ of stream);
    await world
      .client()
      .chat.completions.create({ model: 'fake_openai/nope', messages: user('Hi') })
      .catch(() => undefined);
    expect(await count()).toBe(before + 2);
    const [streamed, failed] = (await world.core.logs.recent(2000))
      .filter((entry) => entry.eventType === 'gateway_call')
      .slice(-2);
    expect(streamed?.details).toMatchObject({ outcome: 'ok', stream: true, finish_reason: 'stop' });
    expect(failed?.details).toMatchObject({ outcome: 'error', status: 404, error_code: 'MODEL_NOT_FOUND' });
  });
});
