import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createProviderFactories } from '../../../src/adapters/providers/index.js';
import { doneOf, drain, mockProviderServer, textOf } from './support.js';
import { GEMINI_STREAM, geminiEvent, geminiPart, geminiWorld, SECRET_KEY } from './worlds.js';

/** What only the Gemini adapter does; what every adapter does is in provider-contract.test.ts. */
const server = mockProviderServer();
const world = geminiWorld;
const config = { id: 'gemini', name: null, type: 'gemini' as const, defaultModel: null, systemPrompt: null };

function answering(respond: (request: Request) => Response) {
  const seen: { url: string; body: Record<string, unknown>; headers: Headers }[] = [];
  server.use(
    http.post(GEMINI_STREAM, async ({ request }) => {
      seen.push({
        url: request.url,
        body: (await request.clone().json()) as Record<string, unknown>,
        headers: new Headers(request.headers),
      });
      return respond(request);
    }),
  );
  return seen;
}

describe('the Gemini adapter', () => {
  it('sends the system prompt as systemInstruction, assistant turns as "model", and think as thinkingConfig', async () => {
    const seen = answering((request) => world.stream(request, [{ token: 'Hi' }, { done: true }]));
    const { error } = await drain(world.provider(), { model: world.model, temperature: 0.3 });
    expect(error).toBeUndefined();
    const chunks = world.provider().streamChat(
      {
        model: world.model,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
          { role: 'user', content: 'Again' },
        ],
        options: { think: 'low', maxTokens: 100 },
      },
      new AbortController().signal,
    );
    for await (const _ of chunks) {
      // read to the end
    }
    expect(seen).toHaveLength(2);
    expect(seen[1]!.url).toContain('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(seen[1]!.headers.get('x-goog-api-key')).toBe(SECRET_KEY);
    expect(seen[1]!.body).toMatchObject({
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello' }] },
        { role: 'user', parts: [{ text: 'Again' }] },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: {
        maxOutputTokens: 100,
        thinkingConfig: { includeThoughts: true, thinkingBudget: 2048 },
      },
    });
  });

  it('reads GOOGLE_API_KEY when GEMINI_API_KEY is not set, and asks for a key naming both without one', async () => {
    const seen = answering((request) => world.stream(request, [{ token: 'Hi' }, { done: true }]));
    const withGoogle = createProviderFactories({ env: { GOOGLE_API_KEY: 'g-key' } }).gemini(config);
    expect((await drain(withGoogle, { model: world.model })).error).toBeUndefined();
    expect(seen[0]!.headers.get('x-goog-api-key')).toBe('g-key');

    const { error } = await drain(createProviderFactories({ env: {} }).gemini(config), {
      model: world.model,
    });
    expect(error).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED', details: { reason: 'missing_api_key' } });
    expect(error?.message).toContain('GEMINI_API_KEY or GOOGLE_API_KEY');
    expect(seen).toHaveLength(1);
  });

  it('maps a 400 API_KEY_INVALID to PROVIDER_UNAUTHORIZED, not a bad request', async () => {
    answering(() =>
      Response.json(
        {
          error: {
            code: 400,
            message: 'API key not valid. Please pass a valid API key.',
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
          },
        },
        { status: 400 },
      ),
    );
    const { error } = await drain(world.provider(), { model: world.model });
    expect(error).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED', details: { reason: 'api_key_rejected' } });
    expect(error?.message).toContain('GEMINI_API_KEY');
  });

  it('ends a blocked answer with content_filter, the text so far kept', async () => {
    answering((request) =>
      world.stream(request, [
        { token: 'Once upon' },
        geminiEvent({ candidates: [{ finishReason: 'SAFETY', index: 0, safetyRatings: [] }] }),
      ]),
    );
    const { chunks, error } = await drain(world.provider(), { model: world.model });
    expect(error).toBeUndefined();
    expect(textOf(chunks)).toBe('Once upon');
    expect(doneOf(chunks)).toEqual([{ type: 'done', finishReason: 'content_filter' }]);
  });

  it('ends with PROVIDER_ERROR on an error object mid-stream, after the text so far', async () => {
    answering((request) =>
      world.stream(request, [
        { token: 'Hel' },
        geminiEvent({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }),
      ]),
    );
    const { chunks, error } = await drain(world.provider(), { model: world.model });
    expect(textOf(chunks)).toBe('Hel');
    expect(doneOf(chunks)).toEqual([]);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', failure: 'server' });
    expect(error?.message).toMatch(/reported an error while answering: The model is overloaded\./);
  });

  it('calls a turn that ends in a function call tool_calls (the tool loop is not in yet)', async () => {
    answering((request) =>
      world.stream(request, [
        geminiPart({ functionCall: { name: 'weather', args: {} } }, { finishReason: 'STOP' }),
      ]),
    );
    const { chunks } = await drain(world.provider(), { model: world.model });
    expect(chunks).toEqual([{ type: 'done', finishReason: 'tool_calls' }]);
  });

  it('maps 503 to PROVIDER_ERROR with failure "server", sent once', async () => {
    const seen = answering(() => new HttpResponse(null, { status: 503 }));
    const { error } = await drain(world.provider(), { model: world.model });
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', failure: 'server', details: { status: 503 } });
    expect(seen).toHaveLength(1);
  });

  it('lists only the models that answer generateContent', async () => {
    server.use(
      http.get('https://generativelanguage.googleapis.com/v1beta/models', () =>
        Response.json({
          models: [
            {
              name: 'models/gemini-2.5-flash',
              displayName: 'Gemini 2.5 Flash',
              supportedGenerationMethods: ['generateContent', 'countTokens'],
            },
            {
              name: 'models/text-embedding-004',
              displayName: 'Embedding',
              supportedGenerationMethods: ['embedContent'],
            },
          ],
        }),
      ),
    );
    expect(await world.provider().listModels()).toEqual([
      { id: 'gemini-2.5-flash', name: 'Gemini 2.5 Flash', capabilities: ['completion', 'vision', 'tools'] },
    ]);
  });
});
