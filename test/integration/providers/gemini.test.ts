import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createProviderFactories } from '../../../src/adapters/providers/index.js';
import { doneOf, drain, mockProviderServer, textOf } from './support.js';
import { GEMINI_STREAM, geminiEvent, geminiPart, geminiWorld, SECRET_KEY } from './worlds.js';

/** What only the Gemini adapter does; what every adapter does is in provider-contract.test.ts. */
const server = mockProviderServer();
const world = geminiWorld;
/** A thought signature as the API sends one (opaque base64). */
const SIGNATURE = 'CiQBvj72+y6VX8BA4jMLQJOJvw+XWxadOcgaygxn/UK4Wl8SjCEKZwG+Pvb7';
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

  it('streams a functionCall part as one tool call with its thought signature, and ends the turn tool_calls', async () => {
    answering((request) =>
      world.stream(request, [
        geminiPart({ text: 'Planning the call.', thought: true }),
        geminiPart(
          { functionCall: { name: 'list_directory', args: { path: '/tmp' } }, thoughtSignature: SIGNATURE },
          { finishReason: 'STOP', finishMessage: 'Model generated function call(s).' },
        ),
      ]),
    );
    const { chunks } = await drain(world.provider(), { model: world.model });
    const calls = chunks.filter((chunk) => chunk.type === 'tool_call');
    expect(calls).toEqual([
      {
        type: 'tool_call',
        call: {
          id: expect.stringMatching(/^lc_gemini_\w+$/),
          name: 'list_directory',
          arguments: { path: '/tmp' },
          signature: SIGNATURE,
        },
      },
    ]);
    // The call's signature is the call's: not a signature of the answer's thinking.
    expect(chunks.some((chunk) => chunk.type === 'signature')).toBe(false);
    expect(doneOf(chunks)).toEqual([{ type: 'done', finishReason: 'tool_calls' }]);
  });

  it('keeps an id the API gave a call, and sends it back with the call and its result', async () => {
    answering((request) =>
      world.stream(request, [
        geminiPart(
          { functionCall: { id: 'fc-7', name: 'weather', args: { city: 'Florence' } } },
          { finishReason: 'STOP' },
        ),
      ]),
    );
    const { chunks } = await drain(world.provider(), { model: world.model });
    const call = chunks.find((chunk) => chunk.type === 'tool_call');
    expect(call).toEqual({
      type: 'tool_call',
      call: { id: 'fc-7', name: 'weather', arguments: { city: 'Florence' } },
    });

    const seen = answering((request) => world.stream(request, [{ token: 'Sunny.' }, { done: true }]));
    const again = world.provider().streamChat(
      {
        model: world.model,
        messages: [
          { role: 'user', content: 'Weather in Florence?' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'fc-7', name: 'weather', arguments: { city: 'Florence' } }],
          },
          { role: 'tool', toolCallId: 'fc-7', toolName: 'weather', content: 'sunny, 24 °C' },
        ],
        options: {},
      },
      new AbortController().signal,
    );
    for await (const _ of again) {
      // read to the end
    }
    expect(seen[0]!.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Florence?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { id: 'fc-7', name: 'weather', args: { city: 'Florence' } } }],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { id: 'fc-7', name: 'weather', response: { output: 'sunny, 24 °C' } } }],
      },
    ]);
  });

  it('offers tools as functionDeclarations (JSON Schema as it is) and sends the calls back with their signatures, the results in one user turn', async () => {
    const seen = answering((request) => world.stream(request, [{ token: 'Two files.' }, { done: true }]));
    const schema = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
    const chunks = world.provider().streamChat(
      {
        model: world.model,
        messages: [
          { role: 'user', content: 'What is in /tmp and /var?' },
          {
            role: 'assistant',
            content: 'Let me look.',
            toolCalls: [
              {
                id: 'lc_gemini_a',
                name: 'list_directory',
                arguments: { path: '/tmp' },
                signature: SIGNATURE,
              },
              { id: 'lc_gemini_b', name: 'list_directory', arguments: { path: '/var' } },
            ],
          },
          { role: 'tool', toolCallId: 'lc_gemini_a', toolName: 'list_directory', content: 'a.txt' },
          { role: 'tool', toolCallId: 'lc_gemini_b', toolName: 'list_directory', content: 'log' },
        ],
        options: {},
        tools: [{ name: 'list_directory', description: 'Lists a directory', parameters: schema }],
      },
      new AbortController().signal,
    );
    for await (const _ of chunks) {
      // read to the end
    }
    const body = seen[0]!.body;
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'list_directory', description: 'Lists a directory', parametersJsonSchema: schema },
        ],
      },
    ]);
    // Ids LightChat made are never sent to the API.
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'What is in /tmp and /var?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Let me look.' },
          { functionCall: { name: 'list_directory', args: { path: '/tmp' } }, thoughtSignature: SIGNATURE },
          { functionCall: { name: 'list_directory', args: { path: '/var' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'list_directory', response: { output: 'a.txt' } } },
          { functionResponse: { name: 'list_directory', response: { output: 'log' } } },
        ],
      },
    ]);
  });

  it("maps a client's tool_choice to functionCallingConfig (none, required, a named tool)", async () => {
    const seen = answering((request) => world.stream(request, [{ token: 'Ok.' }, { done: true }]));
    const tools = [{ name: 'weather', description: 'The weather', parameters: { type: 'object' } }];
    for (const toolChoice of ['none', 'required', { name: 'weather' }] as const) {
      const chunks = world
        .provider()
        .streamChat(
          { model: world.model, messages: [{ role: 'user', content: 'Hi' }], options: {}, tools, toolChoice },
          new AbortController().signal,
        );
      for await (const _ of chunks) {
        // read to the end
      }
    }
    expect(seen.map((request) => request.body.toolConfig)).toEqual([
      { functionCallingConfig: { mode: 'NONE' } },
      { functionCallingConfig: { mode: 'ANY' } },
      { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] } },
    ]);
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
