import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import type { ProviderChatRequest } from '../../../src/domain/provider.js';
import { doneOf, drain, mockProviderServer, streamedResponse, textOf } from './support.js';
import { GEMINI_STREAM, geminiEvent, geminiPart, geminiWorld } from './worlds.js';

/** Gemini: capabilities from the model list, `options.think` per model, signatures, blocks, other hosts. */
const server = mockProviderServer();
const world = geminiWorld;
const MODELS = 'https://generativelanguage.googleapis.com/v1beta/models';

function listing(models: unknown[]) {
  server.use(http.get(MODELS, () => Response.json({ models })));
}

/** The bodies the adapter sends; every request is answered 500 (only the request is looked at). */
function bodies() {
  const seen: Record<string, unknown>[] = [];
  server.use(
    http.post(GEMINI_STREAM, async ({ request }) => {
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

const thinkingOf = (body: Record<string, unknown>) =>
  (body.generationConfig as { thinkingConfig?: unknown } | undefined)?.thinkingConfig;

describe('Gemini models and thinking', () => {
  it('lists chat models with the thinking flag and input limit the API gives; embedding models are not offered', async () => {
    listing([
      {
        name: 'models/gemini-2.5-pro',
        displayName: 'Gemini 2.5 Pro',
        inputTokenLimit: 1_048_576,
        supportedGenerationMethods: ['generateContent', 'countTokens'],
        thinking: true,
      },
      { name: 'models/gemini-embedding-001', supportedGenerationMethods: ['embedContent'] },
      {
        name: 'models/gemma-3-27b-it',
        displayName: 'Gemma 3 27B',
        supportedGenerationMethods: ['generateContent'],
      },
    ]);
    expect(await world.provider().listModels()).toEqual([
      {
        id: 'gemini-2.5-pro',
        name: 'Gemini 2.5 Pro',
        capabilities: ['completion', 'vision', 'tools', 'thinking'],
        contextLength: 1_048_576,
      },
      { id: 'gemma-3-27b-it', name: 'Gemma 3 27B', capabilities: ['completion'] },
    ]);
  });

  it('sends thinking asked of a model without it as a plain request, by name or by the model list', async () => {
    const seen = bodies();
    await send({ model: 'gemini-2.0-flash', options: { think: 'high' } });
    listing([
      { name: 'models/gemini-9-nothink', supportedGenerationMethods: ['generateContent'], thinking: false },
    ]);
    const provider = world.provider();
    await provider.listModels();
    await send({ model: 'gemini-9-nothink', options: { think: true } }, provider);
    expect(seen.map(thinkingOf)).toEqual([undefined, undefined]);
  });

  it('maps think to a budget with thoughts, and false to no budget, or to hidden thoughts where the model always thinks', async () => {
    const seen = bodies();
    await send({ model: 'gemini-2.5-flash', options: { think: true } });
    await send({ model: 'gemini-2.5-flash', options: { think: false } });
    await send({ model: 'gemini-2.5-pro', options: { think: false } });
    await send({ model: 'gemini-2.5-flash', options: {} });
    expect(seen.map(thinkingOf)).toEqual([
      { includeThoughts: true, thinkingBudget: 8192 },
      { thinkingBudget: 0 },
      { includeThoughts: false },
      undefined,
    ]);
  });

  it('hands on a thought signature apart from the text, and sends it back on the answer it came with', async () => {
    server.use(
      http.post(GEMINI_STREAM, ({ request }) =>
        world.stream(request, [
          { thinking: 'Plan.' },
          geminiPart({ text: 'Hi', thoughtSignature: 'CiQB==' }),
          { done: true },
        ]),
      ),
    );
    const { chunks } = await drain(world.provider(), { model: world.model, think: true });
    expect(chunks.slice(0, 3)).toEqual([
      { type: 'thinking', text: 'Plan.' },
      { type: 'signature', signature: 'CiQB==' },
      { type: 'token', text: 'Hi' },
    ]);

    const seen = bodies();
    await send({
      model: world.model,
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hi', thinking: 'Plan.', thinkingSignature: 'CiQB==' },
        { role: 'user', content: 'Again' },
      ],
    });
    expect((seen[0]!.contents as unknown[])[1]).toEqual({
      role: 'model',
      parts: [{ text: 'Hi', thoughtSignature: 'CiQB==' }],
    });
  });
});

describe('Gemini stream reads', () => {
  it('hands on what one network read held as one chunk per kind with its count, the first text alone, the signature in order', async () => {
    const oneRead = [
      ...['a', 'b', 'c'].map((text) => geminiPart({ text, thought: true })),
      geminiPart({ text: 'X', thoughtSignature: 'SIG' }),
      ...['Y', 'Z'].map((text) => geminiPart({ text })),
      geminiEvent({
        candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
        usageMetadata: {
          promptTokenCount: 3,
          candidatesTokenCount: 3,
          thoughtsTokenCount: 3,
          totalTokenCount: 9,
        },
      }),
    ].join('');
    server.use(
      http.post(GEMINI_STREAM, ({ request }) => streamedResponse(request, 'text/event-stream', [oneRead])),
    );
    const { chunks } = await drain(world.provider(), { model: world.model, think: true });
    expect(chunks).toEqual([
      { type: 'thinking', text: 'a' },
      { type: 'thinking', text: 'bc', count: 2 },
      { type: 'signature', signature: 'SIG' },
      { type: 'token', text: 'XYZ', count: 3 },
      { type: 'done', finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 6 } },
    ]);
  });

  it('says a web page answered with 200 does not look like the Gemini API', async () => {
    server.use(
      http.post(
        GEMINI_STREAM,
        () =>
          new HttpResponse('<!doctype html><title>LM Studio</title>', {
            headers: { 'content-type': 'text/html' },
          }),
      ),
    );
    const { error } = await drain(world.provider(), { model: world.model });
    expect(error?.message).toMatch(/does not look like the Gemini API: it answered with text\/html/);
  });
});

describe('Gemini answers blocked before any text', () => {
  it('ends with content_filter and no text when the question itself is blocked (no candidates)', async () => {
    server.use(
      http.post(GEMINI_STREAM, ({ request }) =>
        streamedResponse(request, 'text/event-stream', [
          geminiEvent({
            promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
            usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
            modelVersion: 'gemini-2.5-flash',
          }),
        ]),
      ),
    );
    const { chunks, error } = await drain(world.provider(), { model: world.model });
    expect(error).toBeUndefined();
    expect(textOf(chunks)).toBe('');
    expect(doneOf(chunks)).toMatchObject([{ type: 'done', finishReason: 'content_filter' }]);
  });

  it('ends with content_filter and no text when the first chunk is a SAFETY stop', async () => {
    server.use(
      http.post(GEMINI_STREAM, ({ request }) =>
        streamedResponse(request, 'text/event-stream', [
          geminiEvent({
            candidates: [
              {
                finishReason: 'SAFETY',
                index: 0,
                safetyRatings: [
                  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
                ],
              },
            ],
            usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
          }),
        ]),
      ),
    );
    const { chunks, error } = await drain(world.provider(), { model: world.model });
    expect(error).toBeUndefined();
    expect(chunks).toEqual([
      { type: 'done', finishReason: 'content_filter', usage: { promptTokens: 8, completionTokens: 0 } },
    ]);
  });
});

describe('a host that is not the Gemini API', () => {
  const notGemini = /does not look like the Gemini API.*Check the host of provider "gemini".*type "openai"/;

  it('says so for a 404 in OpenAI words', async () => {
    server.use(
      http.post(GEMINI_STREAM, () =>
        Response.json(
          { error: { message: 'Invalid URL', type: 'invalid_request_error', param: null, code: null } },
          { status: 404 },
        ),
      ),
    );
    const { error } = await drain(world.provider(), { model: world.model });
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', details: { reason: 'not_the_api' } });
    expect(error?.message).toMatch(notGemini);
  });

  it('says so for an OpenAI stream', async () => {
    const openaiChunk = `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' } }] })}\n\n`;
    server.use(
      http.post(GEMINI_STREAM, ({ request }) =>
        streamedResponse(request, 'text/event-stream', [openaiChunk]),
      ),
    );
    const { chunks, error } = await drain(world.provider(), { model: world.model });
    expect(chunks).toEqual([]);
    expect(error?.message).toMatch(notGemini);
  });
});
