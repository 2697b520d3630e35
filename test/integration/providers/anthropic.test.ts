import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createProviderFactories } from '../../../src/adapters/providers/index.js';
import { doneOf, drain, mockProviderServer, textOf } from './support.js';
import { ANTHROPIC_START, anthropicEvent, anthropicWorld, SECRET_KEY } from './worlds.js';

/** What only the Anthropic adapter does; what every adapter does is in provider-contract.test.ts. */
const server = mockProviderServer();
const world = anthropicWorld;
const MESSAGES = 'https://api.anthropic.com/v1/messages';

function answering(respond: (request: Request) => Response) {
  const seen: { body: Record<string, unknown>; headers: Headers }[] = [];
  server.use(
    http.post(MESSAGES, async ({ request }) => {
      seen.push({
        body: (await request.clone().json()) as Record<string, unknown>,
        headers: request.headers,
      });
      return respond(request);
    }),
  );
  return seen;
}

describe('the Anthropic adapter', () => {
  it('sends the key, the system prompt in `system`, max_tokens 8192 by default, and no SDK retries', async () => {
    const seen = answering((request) => world.stream(request, [{ token: 'Hi' }, { done: true }]));
    const provider = world.provider();
    const chunks: unknown[] = [];
    for await (const chunk of provider.streamChat(
      {
        model: world.model,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
          { role: 'user', content: 'Again' },
        ],
        options: { temperature: 0.5 },
      },
      new AbortController().signal,
    )) {
      chunks.push(chunk);
    }
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    // This SDK version sends the key as a bearer token; older ones used x-api-key.
    expect(`${request.headers.get('x-api-key')} ${request.headers.get('authorization')}`).toContain(
      SECRET_KEY,
    );
    expect(request.headers.get('anthropic-version')).toBeTruthy();
    expect(request.headers.get('x-stainless-retry-count') ?? '0').toBe('0');
    expect(chunks).toHaveLength(2);
    expect(request.body).toEqual({
      model: world.model,
      max_tokens: 8192,
      stream: true,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'Again' },
      ],
      temperature: 0.5,
    });
  });

  it('maps options.think to a thinking budget (true = medium) with room for the answer, and sends no temperature then', async () => {
    const seen = answering(() => new HttpResponse(null, { status: 500 }));
    const provider = world.provider();
    for (const think of ['high', true] as const) {
      const chunks = provider.streamChat(
        {
          model: world.model,
          messages: [{ role: 'user', content: 'Hi' }],
          options: { think, temperature: 0.2 },
        },
        new AbortController().signal,
      );
      // The answer is a 500: only the request is looked at.
      await expect(chunks[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
    }
    expect(seen.map(({ body }) => [body.thinking, body.max_tokens, body.temperature])).toEqual([
      [{ type: 'enabled', budget_tokens: 24_576 }, 24_576 + 8192, undefined],
      [{ type: 'enabled', budget_tokens: 8192 }, 8192 + 8192, undefined],
    ]);
  });

  it('reads ANTHROPIC_API_KEY by default and asks for a key before sending anything without one', async () => {
    const seen = answering(() => new HttpResponse(null, { status: 500 }));
    const config = {
      id: 'claude',
      name: null,
      type: 'anthropic' as const,
      defaultModel: null,
      systemPrompt: null,
    };
    const { error } = await drain(createProviderFactories({ env: {} }).anthropic(config), {
      model: world.model,
    });
    expect(error).toMatchObject({
      code: 'PROVIDER_UNAUTHORIZED',
      details: { reason: 'missing_api_key' },
    });
    expect(error?.message).toContain('ANTHROPIC_API_KEY');
    expect(seen).toHaveLength(0);
  });

  it('maps a 401 to PROVIDER_UNAUTHORIZED naming the key variable, without the key', async () => {
    answering(() =>
      Response.json(
        { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
        { status: 401 },
      ),
    );
    const { error } = await drain(world.provider(), { model: world.model });
    expect(error).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED', details: { reason: 'api_key_rejected' } });
    expect(error?.message).toContain('ANTHROPIC_API_KEY');
    expect(JSON.stringify(error?.details)).not.toContain(SECRET_KEY);
  });

  it('counts 529 overloaded as a 5xx: PROVIDER_ERROR with failure "server", sent once', async () => {
    const seen = answering(() => new HttpResponse(null, { status: 529 }));
    const { error } = await drain(world.provider(), { model: world.model });
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', failure: 'server', details: { status: 529 } });
    expect(seen).toHaveLength(1);
  });

  it('ends with PROVIDER_ERROR on `event: error` mid-stream, after the text so far', async () => {
    world.onChat(server, (request) =>
      world.stream(request, [
        { token: 'Hel' },
        anthropicEvent({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
        { token: 'never' },
        { done: true },
      ]),
    );
    const { chunks, error } = await drain(world.provider(), { model: world.model });
    expect(textOf(chunks)).toBe('Hel');
    expect(doneOf(chunks)).toEqual([]);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', failure: 'server' });
    expect(error?.message).toMatch(/reported an error while answering: Overloaded\./);
  });

  it('shows neither signatures nor redacted thinking (the signature is kept apart), and maps max_tokens to length', async () => {
    server.use(
      http.post(MESSAGES, ({ request }) =>
        world.stream(request, [
          anthropicEvent({
            type: 'content_block_start',
            index: 0,
            content_block: { type: 'redacted_thinking', data: 'SECRETDATA' },
          }),
          anthropicEvent({
            type: 'content_block_delta',
            index: 1,
            delta: { type: 'signature_delta', signature: 'SIGNATURE' },
          }),
          { token: 'Hi' },
          anthropicEvent({
            type: 'message_delta',
            delta: { stop_reason: 'max_tokens' },
            usage: { output_tokens: 9 },
          }),
          anthropicEvent({ type: 'message_stop' }),
        ]),
      ),
    );
    const { chunks } = await drain(world.provider(), { model: world.model });
    const shown = chunks.filter((chunk) => chunk.type !== 'signature');
    expect(JSON.stringify(shown)).not.toMatch(/SECRETDATA|SIGNATURE/);
    expect(chunks).toEqual([
      { type: 'signature', signature: 'SIGNATURE' },
      { type: 'token', text: 'Hi' },
      { type: 'done', finishReason: 'length', usage: { promptTokens: 12, completionTokens: 9 } },
    ]);
    expect(ANTHROPIC_START).toContain('message_start');
  });

  it('lists the models of /v1/models with their display names', async () => {
    server.use(
      http.get('https://api.anthropic.com/v1/models', () =>
        Response.json({
          data: [
            {
              type: 'model',
              id: 'claude-sonnet-4-5',
              display_name: 'Claude Sonnet 4.5',
              created_at: '2025-09-29T00:00:00Z',
            },
          ],
          has_more: false,
          first_id: 'claude-sonnet-4-5',
          last_id: 'claude-sonnet-4-5',
        }),
      ),
    );
    expect(await world.provider().listModels()).toEqual([
      {
        id: 'claude-sonnet-4-5',
        name: 'Claude Sonnet 4.5',
        modifiedAt: '2025-09-29T00:00:00Z',
        // This answer says nothing of capabilities: unknown, not "none".
        capabilities: null,
      },
    ]);
  });
});
