import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ChatOptions } from '../../../src/domain/chat.js';
import { AppError } from '../../../src/domain/errors.js';
import type { ChatProvider, ProviderChunk } from '../../../src/domain/provider.js';

/**
 * MSW intercepting the real SDKs. Requests to loopback hosts no handler answers go to the network
 * (a refused port); anything else unanswered fails the test.
 */
export function mockProviderServer() {
  const server = setupServer();
  beforeAll(() =>
    server.listen({
      onUnhandledFrame({ frame, defaults }) {
        const url = frame.protocol === 'http' ? (frame.data as { request: Request }).request.url : '';
        if (/^http:\/\/127\.0\.0\.1:\d+/.test(url) && !url.includes(':11434/')) return; // a real, refused port
        defaults.error();
        frame.errorWith(new Error(`no mock answers ${url}`));
      },
    }),
  );
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** One step of a mocked stream: wire text, a pause, or silence until aborted. */
export type WireStep = string | { wait: number | Promise<void> } | { hang: true };

/** A streamed body that sends `steps` in order and stops when the client aborts. */
export function streamedResponse(
  request: Request,
  contentType: string,
  steps: WireStep[],
  headers: Record<string, string> = {},
): Response {
  const encoder = new TextEncoder();
  const aborted = new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve()));
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const step of steps) {
        if (request.signal.aborted) return;
        if (typeof step === 'string') controller.enqueue(encoder.encode(step));
        else if ('wait' in step) {
          const { wait } = step;
          const pause = typeof wait === 'number' ? new Promise((resolve) => setTimeout(resolve, wait)) : wait;
          await Promise.race([pause, aborted]);
        } else {
          await aborted;
          return;
        }
      }
      if (!request.signal.aborted) controller.close();
    },
  });
  return new HttpResponse(body, { headers: { 'content-type': contentType, ...headers } });
}

/**
 * A real server on 127.0.0.1 that starts an answer and then destroys the socket: a true mid-stream
 * drop (MSW turns an errored mock body into a clean end). `/api/show` answers for Ollama.
 */
export async function droppingServer(
  contentType: string,
  firstPart: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.url === '/api/show') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ capabilities: ['completion'] }));
      return;
    }
    response.writeHead(200, { 'content-type': contentType });
    response.write(firstPart);
    setTimeout(() => response.socket?.destroy(), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A promise the test resolves by hand: "send the next chunk now". */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Resolves when the handler's `request.signal` aborts; rejects after `ms`. */
export function abortSeen(request: Request, ms = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (request.signal.aborted) return resolve();
    const timer = setTimeout(() => reject(new Error('the request was never aborted')), ms);
    request.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface StreamOutcome {
  chunks: ProviderChunk[];
  error: AppError | undefined;
}

/** Reads a provider stream to its end, keeping the chunks and the error that ended it. */
export async function drain(
  provider: ChatProvider,
  options: {
    model?: string;
    signal?: AbortSignal;
    maxTokens?: number;
    temperature?: number;
    think?: ChatOptions['think'];
  } = {},
): Promise<StreamOutcome> {
  const chunks: ProviderChunk[] = [];
  try {
    for await (const chunk of provider.streamChat(
      {
        model: options.model ?? 'llama3.2',
        messages: [{ role: 'user', content: 'Hi' }],
        options: {
          ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
          ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
          ...(options.think === undefined ? {} : { think: options.think }),
        },
      },
      options.signal ?? new AbortController().signal,
    )) {
      chunks.push(chunk);
    }
    return { chunks, error: undefined };
  } catch (error) {
    if (error instanceof AppError) return { chunks, error };
    throw error;
  }
}

export const textOf = (chunks: ProviderChunk[], type: 'token' | 'thinking' = 'token'): string =>
  chunks
    .filter((chunk) => chunk.type === type)
    .map((chunk) => ('text' in chunk ? chunk.text : ''))
    .join('');

export const doneOf = (chunks: ProviderChunk[]) => chunks.filter((chunk) => chunk.type === 'done');

/** The error a promise rejects with, as an AppError. */
export async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

// --- wire formats ---------------------------------------------------------------------------

/** One line of Ollama's `/api/chat` NDJSON stream. */
export function ollamaLine(message: { content?: string; thinking?: string }, model = 'llama3.2'): string {
  return `${JSON.stringify({
    model,
    created_at: '2026-11-25T09:00:00.000Z',
    message: {
      role: 'assistant',
      content: message.content ?? '',
      ...(message.thinking ? { thinking: message.thinking } : {}),
    },
    done: false,
  })}\n`;
}

export function ollamaDone(
  usage = { prompt_eval_count: 12, eval_count: 2 },
  doneReason = 'stop',
  model = 'llama3.2',
): string {
  return `${JSON.stringify({
    model,
    created_at: '2026-11-25T09:00:01.000Z',
    message: { role: 'assistant', content: '' },
    done: true,
    done_reason: doneReason,
    total_duration: 1_000_000,
    load_duration: 1000,
    prompt_eval_duration: 1000,
    eval_duration: 1000,
    ...usage,
  })}\n`;
}

/** One event of OpenAI's chat completion SSE stream. */
export function sseChunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  model = 'gpt-4o-mini',
): string {
  return sse({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_764_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
}

export const sseUsage = (prompt = 12, completion = 2): string =>
  sse({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_764_000_000,
    model: 'gpt-4o-mini',
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  });

export const SSE_DONE = 'data: [DONE]\n\n';

export const sse = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

/** OpenAI's error body. */
export const openAIError = (message: string, type: string, code: string | null = null) => ({
  error: { message, type, param: null, code },
});
