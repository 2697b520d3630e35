import type { GoogleGenAI } from '@google/genai';
import { AppError } from '../../domain/errors.js';
import type { ChatProvider, ModelInfo, ProviderChatRequest, ProviderChunk } from '../../domain/provider.js';
import type { ProviderConfig } from '../../domain/settings.js';
import { providerHost, resolveApiKey } from '../../domain/settings.js';
import { CLEANUP_ABORT } from '../../shared/cleanup-abort.js';
import { generateBody, readGeminiModel, thinksByName } from './gemini-request.js';
import { type GeminiStreamProblem, readGenerateStream } from './gemini-stream.js';
import { createProviderFetch, type Env, type SystemProxy } from './http.js';
import {
  abortedError,
  type FailureContext,
  httpFailureError,
  inStreamError,
  keyHint,
  malformedChunkError,
  networkError,
  notTheApiError,
  parseRetryAfter,
  providerLabel,
} from './provider-errors.js';
import { redactSecrets } from './secrets.js';
import { type StreamedJson, streamedJson } from './streamed-json.js';

/** The SDK is loaded on first use: start-up time is benchmarked. */
let sdk: Promise<typeof import('@google/genai')> | undefined;
const loadSdk = () => {
  sdk ??= import('@google/genai');
  return sdk;
};

/**
 * What a request's `fetch` saw: the answer's headers, and the body of a streamed answer; `json`, the
 * request's images, which go into the body the SDK serialised a chunk at a time as it is sent.
 */
interface Seen {
  headers?: Headers;
  body?: ReadableStream<Uint8Array>;
  json?: StreamedJson;
}

/** The streamed chat request (the model list goes through the same fetch). */
const isStream = (input: Parameters<typeof fetch>[0]): boolean =>
  (input instanceof Request ? input.url : String(input)).includes(':streamGenerateContent');

/** The adapter for Google's Gemini API (`host` = the API root; the SDK adds `/v1beta`). */
export function createGeminiProvider(
  config: ProviderConfig,
  deps: { env: Env; systemProxy?: SystemProxy | undefined },
): ChatProvider {
  const host = providerHost(config);
  const { fetch, route } = createProviderFetch({ host, proxy: config.proxy, ...deps });
  const proxy = route.via === 'proxy' ? route.url : undefined;
  const { key } = resolveApiKey(config, deps.env);
  const label = providerLabel(config);
  /** Whether each listed model thinks (the list's `thinking` flag), for the chats that follow. */
  const thinking = new Map<string, boolean>();

  /**
   * A client per request: the SDK's errors carry no headers, so each request's `fetch` keeps the
   * answer's Retry-After for the error it may become. Building one is cheap (the SDK is cached).
   */
  async function sdkClient(seen?: Seen): Promise<GoogleGenAI> {
    if (!key) {
      throw new AppError('PROVIDER_UNAUTHORIZED', `${label} needs an API key. ${keyHint(config)}`, {
        details: { provider_id: config.id, reason: 'missing_api_key' },
        failure: 'client',
      });
    }
    const { GoogleGenAI: Client } = await loadSdk();
    const watched: typeof fetch = async (input, init) => {
      const streamed = typeof init?.body === 'string' ? seen?.json?.serialized(init.body) : null;
      const response = await fetch(
        input,
        streamed ? ({ ...init, body: streamed, duplex: 'half' } as RequestInit) : init,
      );
      if (!seen) return response;
      seen.headers = response.headers;
      if (!response.ok || !response.body || !isStream(input)) return response;
      // The adapter reads the streamed answer itself; the SDK gets an empty body it ends at once.
      seen.body = response.body;
      return new Response('', {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
    return new Client({
      apiKey: key,
      // Never Vertex AI, whatever GOOGLE_GENAI_USE_VERTEXAI says: settings.yaml says what is used.
      vertexai: false,
      httpOptions: {
        baseUrl: host,
        // Set: with a custom baseUrl the SDK would fall back to v1, which lacks thinkingConfig.
        apiVersion: 'v1beta',
        fetch: watched,
        retryOptions: { attempts: 1 }, // the ChatService owns the retry policy
      },
    });
  }

  const safe = (text: string) => redactSecrets(text, [key, config.proxy, proxy]);

  const streamError =
    (context: FailureContext) =>
    (problem: GeminiStreamProblem): AppError => {
      if (problem.kind === 'malformed') return malformedChunkError(context, problem.data);
      if (problem.kind === 'foreign') {
        return notTheApiError(context, 'its stream is not made of generateContent answers');
      }
      const { code, message, status } = problem.error;
      const words = safe(message || status || 'an error');
      // Before any text it is the answer's failure, retried like one; after, the text so far is kept.
      return problem.began
        ? inStreamError(context, words)
        : httpFailureError({ status: code ?? 500, message: words, code: status }, context);
    };

  function toError(error: unknown, context: FailureContext, streaming: boolean, headers?: Headers): AppError {
    if (error instanceof AppError) return error;
    if (error instanceof SyntaxError) return malformedChunkError(context);
    const api = apiError(error);
    // Google's errors carry a `status` word ("NOT_FOUND"): a 404 in other words is another server.
    if (api && !streaming && (api.status === 404 || api.status === 405) && !api.fromGoogle) {
      return notTheApiError(context, `it answered ${api.status} where the API answers`);
    }
    if (api) {
      // An error object inside a 200 stream, after the answer began: the text so far is kept.
      if (streaming) return inStreamError(context, safe(api.message));
      const retryAfterS = api.retryAfterS ?? parseRetryAfter(headers);
      return httpFailureError({ ...api, message: safe(api.message), retryAfterS }, context);
    }
    if (error instanceof Error && /exception parsing stream chunk/.test(error.message)) {
      return malformedChunkError(context);
    }
    return networkError(error, { ...context, streaming });
  }

  return {
    config,

    async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
      const context: FailureContext = { config, proxy };
      const models: ModelInfo[] = [];
      try {
        const pager = await (await sdkClient()).models.list({
          config: { pageSize: 1000, ...(signal ? { abortSignal: signal } : {}) },
        });
        for await (const model of pager) {
          const read = readGeminiModel(model);
          if (!read) continue; // not a chat model
          thinking.set(read.info.id, read.thinks);
          models.push(read.info);
        }
      } catch (error) {
        if (signal?.aborted) throw abortedError(context, signal);
        throw toError(error, context, false);
      }
      return models;
    },

    async *streamChat(request: ProviderChatRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
      const context: FailureContext = { config, model: request.model, proxy };
      // Aborted when the chat stops and when the consumer leaves the loop early.
      const local = new AbortController();
      let began = false;
      const json = streamedJson();
      const seen: Seen = { json };
      try {
        const api = await sdkClient(seen);
        // The SDK sends the request and turns a failed answer into its ApiError.
        await api.models.generateContentStream(
          generateBody(
            request,
            { abortSignal: AbortSignal.any([signal, local.signal]), encode: json.base64 },
            thinking.get(request.model) ?? thinksByName(request.model),
          ),
        );
        const type = seen.headers?.get('content-type') ?? '';
        if (!type.startsWith('text/event-stream')) {
          throw notTheApiError(
            context,
            `it answered with ${type.split(';')[0] || 'no content type'}, not an event stream`,
          );
        }
        if (!seen.body) throw new Error(`${label} did not stream its answer (no body).`);
        for await (const chunk of readGenerateStream(seen.body, streamError(context))) {
          began = true;
          yield chunk;
        }
      } catch (error) {
        // Stopped by the chat: the ChatService ends it as "stopped".
        if (signal.aborted) return;
        // An image's file that could not be read: that, not the network error fetch makes of it.
        throw toError(json.failure ?? error, context, began, seen.headers);
      } finally {
        local.abort(CLEANUP_ABORT);
      }
    },

    // Thinking is asked for per request (`options.think`); its parts stream as they come.
    isReasoningModel: async () => false,
  };
}

/**
 * The SDK's ApiError, by shape: its message is the error body as JSON (after "got status: …. "
 * inside a stream): `{"error":{"code":400,"message":…,"status":…,"details":[{"reason":…}]}}`.
 */
function apiError(
  error: unknown,
): { status: number; message: string; code?: string; retryAfterS?: number; fromGoogle: boolean } | undefined {
  if (!(error instanceof Error) || error.name !== 'ApiError' || !('status' in error)) return undefined;
  if (typeof error.status !== 'number') return undefined;
  const body = parseJson(error.message.slice(Math.max(0, error.message.indexOf('{'))));
  const inner = isObject(body) && isObject(body.error) ? body.error : {};
  const details = Array.isArray(inner.details) ? inner.details.filter(isObject) : [];
  const reason = details.map((detail) => detail.reason).find((value) => typeof value === 'string');
  // RetryInfo: {"@type": "…RetryInfo", "retryDelay": "7s"}.
  const delay = details.map((detail) => detail.retryDelay).find((value) => typeof value === 'string');
  const retryAfterS = delay && /^\d+(\.\d+)?s$/.test(delay) ? Math.ceil(Number.parseFloat(delay)) : undefined;
  const code =
    typeof reason === 'string' ? reason : typeof inner.status === 'string' ? inner.status : undefined;
  return {
    status: error.status,
    message: typeof inner.message === 'string' ? inner.message : '',
    fromGoogle: typeof inner.status === 'string',
    ...(code ? { code } : {}),
    ...(retryAfterS === undefined ? {} : { retryAfterS }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
