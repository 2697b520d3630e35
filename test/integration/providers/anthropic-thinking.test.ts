import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import type { ProviderChatRequest } from '../../../src/domain/provider.js';
import { drain, mockProviderServer, streamedResponse } from './support.js';
import { ANTHROPIC_START, anthropicWorld } from './worlds.js';

/** Anthropic: capabilities from the model list, `options.think` per model, signatures sent back. */
const server = mockProviderServer();
const world = anthropicWorld;
const MESSAGES = 'https://api.anthropic.com/v1/messages';
const MODELS = 'https://api.anthropic.com/v1/models';

const supported = (value: boolean) => ({ supported: value });
/** A model as `/v1/models` lists it today, with its capabilities. */
const listed = (
  id: string,
  options: { thinking: boolean; enabled?: boolean; adaptive?: boolean; maxTokens?: number },
) => ({
  type: 'model',
  id,
  display_name: id,
  created_at: '2025-10-01T00:00:00Z',
  max_input_tokens: 200_000,
  max_tokens: options.maxTokens ?? 64_000,
  capabilities: {
    image_input: supported(true),
    pdf_input: supported(true),
    thinking: {
      supported: options.thinking,
      types: {
        enabled: supported(options.enabled ?? options.thinking),
        adaptive: supported(options.adaptive ?? false),
        disabled: supported(true),
      },
    },
  },
});

function listing(models: unknown[]) {
  server.use(
    http.get(MODELS, () => Response.json({ data: models, has_more: false, first_id: null, last_id: null })),
  );
}

/** The bodies the adapter sends; every request is answered 500 (only the request is looked at). */
function bodies() {
  const seen: Record<string, unknown>[] = [];
  server.use(
    http.post(MESSAGES, async ({ request }) => {
      seen.push((await request.json()) as Record<string, unknown>);
      return new HttpResponse(null, { status: 500 });
    }),
  );
  return seen;
}

async function send(
  request: Partial<ProviderChatRequest> & Pick<ProviderChatRequest, 'model'>,
  provider = world.provider(),
) {
  const chunks = provider.streamChat(
    { messages: [{ role: 'user', content: 'Hi' }], options: {}, ...request },
    new AbortController().signal,
  );
  await expect(chunks[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
}

describe('Anthropic models and thinking', () => {
  it('lists capabilities and the context window the model list gives (tools always, vision, thinking)', async () => {
    listing([
      listed('claude-haiku-4-5', { thinking: true }),
      listed('claude-3-haiku-20240307', { thinking: false }),
    ]);
    expect(await world.provider().listModels()).toEqual([
      {
        id: 'claude-haiku-4-5',
        name: 'claude-haiku-4-5',
        modifiedAt: '2025-10-01T00:00:00Z',
        capabilities: ['completion', 'tools', 'vision', 'thinking'],
        contextLength: 200_000,
      },
      {
        id: 'claude-3-haiku-20240307',
        name: 'claude-3-haiku-20240307',
        modifiedAt: '2025-10-01T00:00:00Z',
        capabilities: ['completion', 'tools', 'vision'],
        contextLength: 200_000,
      },
    ]);
  });

  it('sends thinking asked of a model without it as a plain request (temperature kept), not an error', async () => {
    const seen = bodies();
    // Known by name (no model list read yet)...
    await send({ model: 'claude-3-5-haiku-20241022', options: { think: 'high', temperature: 0.4 } });
    // ...and by the model list, whatever the name says.
    listing([listed('claude-future-1', { thinking: false })]);
    const provider = world.provider();
    await provider.listModels();
    await send({ model: 'claude-future-1', options: { think: true } }, provider);
    expect(seen.map((body) => [body.thinking, body.max_tokens, body.temperature])).toEqual([
      [undefined, 8192, 0.4],
      [undefined, 8192, undefined],
    ]);
  });

  it('keeps max_tokens within the model limit the list gives, and uses adaptive thinking where it is the only kind', async () => {
    listing([
      listed('claude-opus-4-1', { thinking: true, maxTokens: 32_000 }),
      listed('claude-adaptive-9', { thinking: true, enabled: false, adaptive: true }),
    ]);
    const seen = bodies();
    const provider = world.provider();
    await provider.listModels();
    await send({ model: 'claude-opus-4-1', options: { think: 'high' } }, provider);
    await send({ model: 'claude-adaptive-9', options: { think: 'low' } }, provider);
    expect(seen.map((body) => [body.thinking, body.max_tokens])).toEqual([
      [{ type: 'enabled', budget_tokens: 24_576 }, 32_000],
      [{ type: 'adaptive' }, 2048 + 8192],
    ]);
  });

  it('sends an earlier answer back with its signed thinking block when this turn thinks too', async () => {
    const seen = bodies();
    const messages: ProviderChatRequest['messages'] = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!', thinking: 'Greet back.', thinkingSignature: 'SIG==' },
      { role: 'user', content: 'Again' },
    ];
    await send({ model: world.model, messages, options: { think: true } });
    await send({ model: world.model, messages, options: {} });
    expect(seen.map((body) => (body.messages as unknown[])[1])).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Greet back.', signature: 'SIG==' },
          { type: 'text', text: 'Hello!' },
        ],
      },
      { role: 'assistant', content: 'Hello!' },
    ]);
  });

  it('hands on the signature of a streamed thinking block apart from thinking and text', async () => {
    server.use(
      http.post(MESSAGES, ({ request }) =>
        world.stream(request, [
          { thinking: 'Plan.' },
          `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EuYD==' } })}\n\n`,
          { token: 'Hi' },
          { done: true },
        ]),
      ),
    );
    const { chunks } = await drain(world.provider(), { model: world.model, think: true });
    expect(chunks.slice(0, 3)).toEqual([
      { type: 'thinking', text: 'Plan.' },
      { type: 'signature', signature: 'EuYD==' },
      { type: 'token', text: 'Hi' },
    ]);
  });
});

describe('Anthropic stream reads', () => {
  it('hands on what one network read held as one chunk per kind with its count, the first text alone, the signature in order', async () => {
    const delta = (value: Record<string, unknown>) =>
      `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: value })}\n\n`;
    const oneRead = [
      ANTHROPIC_START,
      ...['a', 'b', 'c'].map((thinking) => delta({ type: 'thinking_delta', thinking })),
      delta({ type: 'signature_delta', signature: 'SIG' }),
      ...['X', 'Y', 'Z'].map((text) => delta({ type: 'text_delta', text })),
      `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } })}\n\n`,
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join('');
    server.use(
      http.post(MESSAGES, ({ request }) => streamedResponse(request, 'text/event-stream', [oneRead])),
    );
    const { chunks } = await drain(world.provider(), { model: world.model, think: true });
    expect(chunks).toEqual([
      { type: 'thinking', text: 'a' },
      { type: 'thinking', text: 'bc', count: 2 },
      { type: 'signature', signature: 'SIG' },
      { type: 'token', text: 'XYZ', count: 3 },
      { type: 'done', finishReason: 'stop', usage: { promptTokens: 12, completionTokens: 7 } },
    ]);
  });
});

describe('a host that is not the Anthropic API', () => {
  const notAnthropic =
    /does not look like the Anthropic API.*Check the host of provider "claude".*type "openai"/;

  it('says so for a 404 in OpenAI words, before any request is retried', async () => {
    const seen = bodies();
    server.use(
      http.post(MESSAGES, () =>
        Response.json(
          {
            error: {
              message: 'Invalid URL (POST /v1/messages)',
              type: 'invalid_request_error',
              param: null,
              code: null,
            },
          },
          { status: 404 },
        ),
      ),
    );
    const { error } = await drain(world.provider(), { model: world.model });
    expect(error).toMatchObject({
      code: 'PROVIDER_ERROR',
      failure: 'client',
      details: { reason: 'not_the_api' },
    });
    expect(error?.message).toMatch(notAnthropic);
    expect(seen).toHaveLength(0);
  });

  it('says so for an OpenAI stream and for a web page answered with 200', async () => {
    const openaiChunk = `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' } }] })}\n\ndata: [DONE]\n\n`;
    server.use(
      http.post(MESSAGES, ({ request }) => streamedResponse(request, 'text/event-stream', [openaiChunk])),
    );
    const stream = await drain(world.provider(), { model: world.model });
    expect(stream.chunks).toEqual([]);
    expect(stream.error?.message).toMatch(notAnthropic);

    server.use(
      http.post(
        MESSAGES,
        () =>
          new HttpResponse('<!doctype html><title>LM Studio</title>', {
            headers: { 'content-type': 'text/html' },
          }),
      ),
    );
    const page = await drain(world.provider(), { model: world.model });
    expect(page.error?.message).toMatch(notAnthropic);
    expect(page.error?.message).toContain('text/html');
  });

  it('says so for a model list in OpenAI format', async () => {
    server.use(
      http.get(MODELS, () =>
        Response.json({
          object: 'list',
          data: [{ id: 'gpt-4o-mini', object: 'model', created: 1, owned_by: 'system' }],
        }),
      ),
    );
    await expect(world.provider().listModels()).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringMatching(notAnthropic),
    });
  });
});
