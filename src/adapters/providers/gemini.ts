import type { GenerateContentResponse, GoogleGenAI } from '@google/genai';
import { AppError } from '../../domain/errors.js';
import type { ChatProvider, ModelInfo, ProviderChatRequest, ProviderChunk } from '../../domain/provider.js';
import type { ProviderConfig } from '../../domain/settings.js';
import { providerHost, resolveApiKey } from '../../domain/settings.js';
import { generateBody, readGeminiModel, thinksByName } from './gemini-request.js';
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

/** The SDK is loaded on first use: start-up time is benchmarked. */
let sdk: Promise<typeof import('@google/genai')> | undefined;
const loadSdk = () => {
  sdk ??= import('@google/genai');
  return sdk;
};

/** `finishReason` in LightChat's words (CONTRACT section 14); unknown reasons pass through lowercased. */
const FINISH_REASONS: Record<string, string> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  BLOCKLIST: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
};

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
  async function sdkClient(seen?: { headers?: Headers }): Promise<GoogleGenAI> {
    if (!key) {
      throw new AppError('PROVIDER_UNAUTHORIZED', `${label} needs an API key. ${keyHint(config)}`, {
        details: { provider_id: config.id, reason: 'missing_api_key' },
        failure: 'client',
      });
    }
    const { GoogleGenAI: Client } = await loadSdk();
    const watched: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (seen) seen.headers = response.headers;
      return response;
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
      let streaming = false;
      const answer = new AnswerReader();
      const seen: { headers?: Headers } = {};
      try {
        const api = await sdkClient(seen);
        const stream = await api.models.generateContentStream(
          generateBody(
            request,
            AbortSignal.any([signal, local.signal]),
            thinking.get(request.model) ?? thinksByName(request.model),
          ),
        );
        streaming = true;
        for await (const response of stream) {
          // Every chunk of the API has candidates, prompt feedback or usage; another API's have none.
          if (!answer.began && !response.candidates && !response.promptFeedback && !response.usageMetadata) {
            throw notTheApiError(context, 'its stream is not made of generateContent answers');
          }
          for (const chunk of answer.read(response)) yield chunk;
        }
        const done = answer.done();
        if (done) yield done;
      } catch (error) {
        // Stopped by the chat: the ChatService ends it as "stopped".
        if (signal.aborted) return;
        // A body cut inside its last event: a cut stream (no done), not a malformed one.
        if (error instanceof Error && error.message === 'Incomplete JSON segment at the end') return;
        throw toError(error, context, streaming && answer.began, seen.headers);
      } finally {
        local.abort();
      }
    },

    // Thinking is asked for per request (`options.think`); its parts stream as they come.
    isReasoningModel: async () => false,
  };
}

/** The state of one answer: whether it called a function, the finish reason and the last usage. */
class AnswerReader {
  began = false;
  private finishReason: string | null = null;
  private calledFunction = false;
  private usage: { promptTokens?: number; completionTokens?: number } | undefined;

  *read(response: GenerateContentResponse): Generator<ProviderChunk> {
    this.began = true;
    const candidate = response.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall) this.calledFunction = true; // the seam for the tool loop (not in yet)
      // Never shown: kept with the answer, for the next turn to send back on its part.
      if (part.thoughtSignature) yield { type: 'signature', signature: part.thoughtSignature };
      if (typeof part.text === 'string' && part.text) {
        yield { type: part.thought ? 'thinking' : 'token', text: part.text };
      }
    }
    if (candidate?.finishReason) {
      this.finishReason = FINISH_REASONS[candidate.finishReason] ?? candidate.finishReason.toLowerCase();
    } else if (response.promptFeedback?.blockReason) {
      this.finishReason = 'content_filter'; // the question itself was blocked: no candidates at all
    }
    // Every chunk carries a running total: the last one counts.
    const meta = response.usageMetadata;
    if (meta) {
      const completion =
        meta.totalTokenCount !== undefined && meta.promptTokenCount !== undefined
          ? meta.totalTokenCount - meta.promptTokenCount
          : (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
      this.usage = {
        ...(meta.promptTokenCount === undefined ? {} : { promptTokens: meta.promptTokenCount }),
        completionTokens: completion,
      };
    }
  }

  /** Without a finish reason the stream was cut: no done. */
  done(): ProviderChunk | undefined {
    if (this.finishReason === null) return undefined;
    const finishReason =
      this.finishReason === 'stop' && this.calledFunction ? 'tool_calls' : this.finishReason;
    return { type: 'done', finishReason, ...(this.usage ? { usage: this.usage } : {}) };
  }
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
