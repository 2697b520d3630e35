import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createProviderFactories } from '../../../src/adapters/providers/index.js';
import type { ChatEvent } from '../../../src/domain/chat.js';
import { AppError } from '../../../src/domain/errors.js';
import { ChatService } from '../../../src/domain/services/chat-service.js';
import { ProviderRegistry } from '../../../src/domain/services/provider-registry.js';
import { settingsSchema } from '../../../src/domain/settings.js';
import { MemoryChatLog } from '../../unit/support/fakes.js';
import {
  abortSeen,
  mockProviderServer,
  ollamaDone,
  ollamaLine,
  SSE_DONE,
  sseChunk,
  sseUsage,
  streamedResponse,
} from './support.js';
import { SECRET_KEY } from './worlds.js';

const server = mockProviderServer();
const OLLAMA = 'http://127.0.0.1:11434';
const OPENAI = 'https://api.openai.com/v1';

/** The real adapters behind the real ChatService: the adapters' errors drive its retry policy. */
function chatService() {
  const providers = new ProviderRegistry(createProviderFactories({ env: { OPENAI_API_KEY: SECRET_KEY } }));
  providers.rebuild(
    settingsSchema.parse({
      defaultProvider: 'ollama_local',
      providers: [
        { id: 'ollama_local', type: 'ollama', host: OLLAMA },
        { id: 'openai', type: 'openai', host: OPENAI, apiKeyEnv: 'OPENAI_API_KEY' },
      ],
    }),
  );
  return new ChatService({ providers, log: new MemoryChatLog() });
}

async function chat(input: Record<string, unknown>, signal = new AbortController().signal) {
  const events: ChatEvent[] = [];
  try {
    for await (const event of chatService().answer(
      { messages: [{ role: 'user', content: 'Hi' }], ...input },
      signal,
    )) {
      events.push(event);
    }
    return { events, error: undefined };
  } catch (error) {
    if (error instanceof AppError) return { events, error };
    throw error;
  }
}

function ollamaChat(answers: Array<(request: Request) => Response>) {
  const requests: Request[] = [];
  server.use(
    http.post(`${OLLAMA}/api/show`, () => HttpResponse.json({ capabilities: ['completion'] })),
    http.post(`${OLLAMA}/api/chat`, ({ request }) => {
      requests.push(request);
      return (answers[requests.length - 1] ?? answers.at(-1)!)(request);
    }),
  );
  return requests;
}

describe('the adapters under the ChatService', () => {
  it('retries once when Ollama answers 500 before the first token, then streams the answer', async () => {
    const requests = ollamaChat([
      () => new HttpResponse(null, { status: 500 }),
      (request) =>
        streamedResponse(request, 'application/x-ndjson', [ollamaLine({ content: 'Hello' }), ollamaDone()]),
    ]);
    const { events, error } = await chat({ modelId: 'llama3.2' });
    expect(error).toBeUndefined();
    expect(requests).toHaveLength(2);
    expect(events.map((event) => event.type)).toEqual(['token', 'done']);
  });

  it('does not retry a model Ollama does not have', async () => {
    const requests = ollamaChat([
      () => HttpResponse.json({ error: 'model "nope" not found' }, { status: 404 }),
    ]);
    const { error } = await chat({ modelId: 'nope' });
    expect(error?.code).toBe('MODEL_NOT_FOUND');
    expect(requests).toHaveLength(1);
  });

  it('calls an OpenAI stream that ends without a finish reason cut, keeping the tokens before it', async () => {
    server.use(
      http.post(`${OPENAI}/chat/completions`, ({ request }) =>
        streamedResponse(request, 'text/event-stream', [sseChunk({ content: 'Hel' })]),
      ),
    );
    const { events, error } = await chat({ providerId: 'openai', modelId: 'gpt-4o-mini' });
    expect(events).toEqual([{ type: 'token', text: 'Hel' }]);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', details: { reason: 'stream_cut' } });
  });

  it('ends a stopped OpenAI chat with done "stopped" and aborts the upstream request', async () => {
    let upstream: Request | undefined;
    server.use(
      http.post(`${OPENAI}/chat/completions`, ({ request }) => {
        upstream = request;
        return streamedResponse(request, 'text/event-stream', [sseChunk({ content: 'Hel' }), { hang: true }]);
      }),
    );
    const stop = new AbortController();
    const events: ChatEvent[] = [];
    for await (const event of chatService().answer(
      { messages: [{ role: 'user', content: 'Hi' }], providerId: 'openai', modelId: 'gpt-4o-mini' },
      stop.signal,
    )) {
      events.push(event);
      if (event.type === 'token') stop.abort();
    }
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stopped' });
    await abortSeen(upstream!);
  });

  it('reports usage from the OpenAI usage chunk', async () => {
    server.use(
      http.post(`${OPENAI}/chat/completions`, ({ request }) =>
        streamedResponse(request, 'text/event-stream', [
          sseChunk({ content: 'Hi' }),
          sseChunk({}, 'stop'),
          sseUsage(30, 7),
          SSE_DONE,
        ]),
      ),
    );
    const { events } = await chat({ providerId: 'openai', modelId: 'gpt-4o-mini' });
    expect(events.at(-1)).toMatchObject({ type: 'done', usage: { promptTokens: 30, completionTokens: 7 } });
  });
});
