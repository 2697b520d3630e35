import { HttpResponse, http } from 'msw';
import type { SetupServer } from 'msw/node';
import { createProviderFactories } from '../../../src/adapters/providers/index.js';
import type { ChatProvider } from '../../../src/domain/provider.js';
import type { ProviderConfig } from '../../../src/domain/settings.js';
import {
  ollamaDone,
  ollamaLine,
  SSE_DONE,
  sseChunk,
  sseUsage,
  streamedResponse,
  type WireStep,
} from './support.js';

/** A step of a provider-neutral answer; each world writes it in its own wire format. */
export type AnswerStep = { token: string } | { thinking: string } | { done: true } | WireStep;

/**
 * One provider as the contract test sees it: how to build the adapter, and how to answer its
 * chat endpoint in the provider's real wire format.
 */
export interface ProviderWorld {
  name: 'ollama' | 'openai' | 'anthropic' | 'gemini';
  host: string;
  model: string;
  provider(overrides?: Partial<ProviderConfig>): ChatProvider;
  /** Answers every chat request with `answer`; returns the requests seen. */
  onChat(server: SetupServer, answer: (request: Request) => Response | Promise<Response>): Request[];
  /** A streamed answer in the wire format. */
  stream(request: Request, steps: AnswerStep[]): Response;
  /** The content type and the bytes of a text chunk, for a real server. */
  wire: { contentType: string; token: (text: string) => string };
  /** The provider's host on a server at `url` (OpenAI-compatible servers live under /v1). */
  hostAt(url: string): string;
  /** A body-less error answer (retryable ones must have a `null` body, STACK-NOTES). */
  status(status: number, headers?: Record<string, string>): Response;
  /** The provider's own 404 answer for an unknown model. */
  modelNotFound(model: string): Response;
  /** Whether answers may carry `<think>` inline in their text (OpenAI-compatible servers, Ollama). */
  inlineThinkTags: boolean;
}

export const SECRET_KEY = 'sk-test-CONTRACT-SECRET-0123456789';

export const ollamaWorld: ProviderWorld = {
  name: 'ollama',
  host: 'http://127.0.0.1:11434',
  model: 'llama3.2',
  provider: (overrides = {}) =>
    createProviderFactories({ env: {} }).ollama({
      id: 'ollama_local',
      name: null,
      type: 'ollama',
      host: 'http://127.0.0.1:11434',
      defaultModel: null,
      systemPrompt: null,
      ...overrides,
    }),
  onChat(server, answer) {
    const seen: Request[] = [];
    server.use(
      http.post('http://127.0.0.1:11434/api/show', () =>
        HttpResponse.json({ capabilities: ['completion'], details: { family: 'llama' } }),
      ),
      http.post('http://127.0.0.1:11434/api/chat', ({ request }) => {
        seen.push(request);
        return answer(request);
      }),
    );
    return seen;
  },
  stream: (request, steps) =>
    streamedResponse(
      request,
      'application/x-ndjson',
      steps.map((step) =>
        typeof step === 'object' && 'token' in step
          ? ollamaLine({ content: step.token })
          : typeof step === 'object' && 'thinking' in step
            ? ollamaLine({ thinking: step.thinking })
            : typeof step === 'object' && 'done' in step && step.done === true
              ? ollamaDone()
              : (step as WireStep),
      ),
    ),
  status: (status, headers = {}) => new HttpResponse(null, { status, headers }),
  modelNotFound: (model) =>
    Response.json({ error: `model "${model}" not found, try pulling it first` }, { status: 404 }),
  inlineThinkTags: true,
  wire: { contentType: 'application/x-ndjson', token: (text) => ollamaLine({ content: text }) },
  hostAt: (url) => url,
};

export const openaiWorld: ProviderWorld = {
  name: 'openai',
  host: 'https://api.openai.com/v1',
  model: 'gpt-4o-mini',
  provider: (overrides = {}) =>
    createProviderFactories({ env: { OPENAI_API_KEY: SECRET_KEY } }).openai({
      id: 'openai',
      name: null,
      type: 'openai',
      host: 'https://api.openai.com/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      defaultModel: null,
      systemPrompt: null,
      ...overrides,
    }),
  onChat(server, answer) {
    const seen: Request[] = [];
    server.use(
      http.post('https://api.openai.com/v1/chat/completions', ({ request }) => {
        seen.push(request);
        return answer(request);
      }),
    );
    return seen;
  },
  stream: (request, steps) =>
    streamedResponse(
      request,
      'text/event-stream',
      steps.flatMap((step) =>
        typeof step === 'object' && 'token' in step
          ? [sseChunk({ content: step.token })]
          : typeof step === 'object' && 'thinking' in step
            ? [sseChunk({ reasoning_content: step.thinking })]
            : typeof step === 'object' && 'done' in step && step.done === true
              ? [sseChunk({}, 'stop'), sseUsage(12, 2), SSE_DONE]
              : [step as WireStep],
      ),
    ),
  status: (status, headers = {}) => new HttpResponse(null, { status, headers }),
  modelNotFound: (model) =>
    Response.json(
      {
        error: {
          message: `The model \`${model}\` does not exist`,
          type: 'invalid_request_error',
          code: 'model_not_found',
        },
      },
      { status: 404 },
    ),
  inlineThinkTags: true,
  wire: { contentType: 'text/event-stream', token: (text) => sseChunk({ content: text }) },
  hostAt: (url) => `${url}/v1`,
};

/** One Anthropic SSE event, `event:` line and `data:` line, as the Messages API writes them. */
export const anthropicEvent = (data: { type: string } & Record<string, unknown>): string =>
  `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

const anthropicDelta = (delta: Record<string, unknown>) =>
  anthropicEvent({ type: 'content_block_delta', index: 0, delta });

export const ANTHROPIC_START = anthropicEvent({
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [],
    usage: { input_tokens: 12, output_tokens: 1 },
  },
});

export const anthropicWorld: ProviderWorld = {
  name: 'anthropic',
  host: 'https://api.anthropic.com',
  model: 'claude-haiku-4-5',
  provider: (overrides = {}) =>
    createProviderFactories({ env: { ANTHROPIC_API_KEY: SECRET_KEY } }).anthropic({
      id: 'claude',
      name: null,
      type: 'anthropic',
      host: 'https://api.anthropic.com',
      defaultModel: null,
      systemPrompt: null,
      ...overrides,
    }),
  onChat(server, answer) {
    const seen: Request[] = [];
    server.use(
      http.post('https://api.anthropic.com/v1/messages', ({ request }) => {
        seen.push(request);
        return answer(request);
      }),
    );
    return seen;
  },
  stream: (request, steps) =>
    streamedResponse(request, 'text/event-stream', [
      ANTHROPIC_START,
      ...steps.flatMap((step): WireStep[] =>
        typeof step === 'object' && 'token' in step
          ? [anthropicDelta({ type: 'text_delta', text: step.token })]
          : typeof step === 'object' && 'thinking' in step
            ? [anthropicDelta({ type: 'thinking_delta', thinking: step.thinking })]
            : typeof step === 'object' && 'done' in step && step.done === true
              ? [
                  anthropicEvent({ type: 'content_block_stop', index: 0 }),
                  anthropicEvent({
                    type: 'message_delta',
                    delta: { stop_reason: 'end_turn', stop_sequence: null },
                    usage: { output_tokens: 2 },
                  }),
                  anthropicEvent({ type: 'message_stop' }),
                ]
              : [step as WireStep],
      ),
    ]),
  status: (status, headers = {}) => new HttpResponse(null, { status, headers }),
  modelNotFound: (model) =>
    Response.json(
      { type: 'error', error: { type: 'not_found_error', message: `model: ${model}` } },
      { status: 404 },
    ),
  inlineThinkTags: false,
  wire: {
    contentType: 'text/event-stream',
    token: (text) => ANTHROPIC_START + anthropicDelta({ type: 'text_delta', text }),
  },
  hostAt: (url) => url,
};

/** One Gemini SSE event as `streamGenerateContent?alt=sse` writes it (CRLF-separated). */
export const geminiEvent = (data: Record<string, unknown>): string => `data: ${JSON.stringify(data)}\r\n\r\n`;

export const geminiPart = (part: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  geminiEvent({ candidates: [{ content: { parts: [part], role: 'model' }, index: 0, ...extra }] });

export const GEMINI_STREAM =
  /^https:\/\/generativelanguage\.googleapis\.com\/v1beta\/models\/[^/]+:streamGenerateContent/;

export const geminiWorld: ProviderWorld = {
  name: 'gemini',
  host: 'https://generativelanguage.googleapis.com',
  model: 'gemini-2.5-flash',
  provider: (overrides = {}) =>
    createProviderFactories({ env: { GEMINI_API_KEY: SECRET_KEY } }).gemini({
      id: 'gemini',
      name: null,
      type: 'gemini',
      host: 'https://generativelanguage.googleapis.com',
      defaultModel: null,
      systemPrompt: null,
      ...overrides,
    }),
  onChat(server, answer) {
    const seen: Request[] = [];
    server.use(
      http.post(GEMINI_STREAM, ({ request }) => {
        seen.push(request);
        return answer(request);
      }),
    );
    return seen;
  },
  stream: (request, steps) =>
    streamedResponse(
      request,
      'text/event-stream',
      steps.map(
        (step): WireStep =>
          typeof step === 'object' && 'token' in step
            ? geminiPart({ text: step.token })
            : typeof step === 'object' && 'thinking' in step
              ? geminiPart({ text: step.thinking, thought: true })
              : typeof step === 'object' && 'done' in step && step.done === true
                ? geminiEvent({
                    candidates: [
                      { content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 },
                    ],
                    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 2, totalTokenCount: 14 },
                  })
                : (step as WireStep),
      ),
    ),
  status: (status, headers = {}) => new HttpResponse(null, { status, headers }),
  modelNotFound: (model) =>
    Response.json(
      {
        error: {
          code: 404,
          message: `models/${model} is not found for API version v1beta, or is not supported for generateContent.`,
          status: 'NOT_FOUND',
        },
      },
      { status: 404 },
    ),
  inlineThinkTags: false,
  wire: { contentType: 'text/event-stream', token: (text) => geminiPart({ text }) },
  hostAt: (url) => url,
};
