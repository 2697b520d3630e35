import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import type { ChatProvider, ModelInfo, ProviderChatRequest, ProviderChunk } from '../../domain/provider.js';
import type { ProviderConfig } from '../../domain/settings.js';
import { providerHost, resolveApiKey } from '../../domain/settings.js';
import { CLEANUP_ABORT } from '../../shared/cleanup-abort.js';
import {
  type AnthropicModelFacts,
  anthropicModelSchema,
  factsFromName,
  messagesBody,
  readAnthropicModel,
} from './anthropic-request.js';
import { type AnthropicStreamProblem, readMessageStream } from './anthropic-stream.js';
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
import { streamedJson } from './streamed-json.js';

/** The SDK is loaded on first use: start-up time is benchmarked. */
let sdk: Promise<typeof import('@anthropic-ai/sdk')> | undefined;
const loadSdk = () => {
  sdk ??= import('@anthropic-ai/sdk');
  return sdk;
};

const modelListSchema = z.array(anthropicModelSchema);

/** The adapter for Anthropic's Messages API (`host` = the API root, without `/v1`). */
export function createAnthropicProvider(
  config: ProviderConfig,
  deps: { env: Env; systemProxy?: SystemProxy | undefined },
): ChatProvider {
  const host = providerHost(config);
  const { fetch, route } = createProviderFetch({ host, proxy: config.proxy, ...deps });
  const proxy = route.via === 'proxy' ? route.url : undefined;
  const { key } = resolveApiKey(config, deps.env);
  const label = providerLabel(config);
  let client: Promise<Anthropic> | undefined;
  /** What the model list said of each model (thinking, output limit), for the chats that follow. */
  const listed = new Map<string, AnthropicModelFacts>();

  function sdkClient(): Promise<Anthropic> {
    if (!key) {
      throw new AppError('PROVIDER_UNAUTHORIZED', `${label} needs an API key. ${keyHint(config)}`, {
        details: { provider_id: config.id, reason: 'missing_api_key' },
        failure: 'client',
      });
    }
    client ??= loadSdk().then(
      ({ default: AnthropicClient }) =>
        new AnthropicClient({
          apiKey: key,
          // Never picked up from this process's environment: settings.yaml says what is sent.
          authToken: null,
          baseURL: host,
          maxRetries: 0, // the ChatService owns the retry policy
          fetch,
          logLevel: 'off',
        }),
    );
    return client;
  }

  const safe = (text: string) => redactSecrets(text, [key, config.proxy, proxy]);

  function toError(error: unknown, context: FailureContext, streaming: boolean): AppError {
    if (error instanceof AppError) return error;
    if (error instanceof SyntaxError) return malformedChunkError(context);
    const api = apiError(error);
    // The Messages API answers every error with {"type": "error", …}: a 404 in other words is another server.
    if ((api?.status === 404 || api?.status === 405) && !api.fromAnthropic) {
      const route = context.model ? 'POST /v1/messages' : 'GET /v1/models';
      return notTheApiError(context, `it answered ${api.status} to ${route}`);
    }
    if (api?.status !== undefined) {
      return httpFailureError(
        { status: api.status, message: safe(api.message), code: api.code, retryAfterS: api.retryAfterS },
        context,
      );
    }
    return networkError(error, { ...context, streaming });
  }

  const streamError =
    (context: FailureContext) =>
    (problem: AnthropicStreamProblem): AppError =>
      problem.kind === 'malformed'
        ? malformedChunkError(context, problem.data)
        : problem.kind === 'foreign'
          ? notTheApiError(context, 'its stream is not made of Messages API events')
          : inStreamError(context, safe(problem.message));

  return {
    config,

    async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
      const context: FailureContext = { config, proxy };
      const models: unknown[] = [];
      try {
        // The SDK's page iterator follows `has_more` / `last_id`.
        for await (const model of (await sdkClient()).models.list({ limit: 1000 }, { signal })) {
          models.push(model);
        }
      } catch (error) {
        if (signal?.aborted) throw abortedError(context, signal);
        throw toError(error, context, false);
      }
      // OpenAI's list has {object: "model"} where Anthropic's has {type: "model"}.
      if (models.some((model) => model instanceof Object && !('type' in model) && 'object' in model)) {
        throw notTheApiError(context, "its model list is in OpenAI's format");
      }
      const parsed = modelListSchema.safeParse(models);
      if (!parsed.success) {
        throw new AppError('PROVIDER_ERROR', `${label} sent a model list LightChat could not read.`, {
          details: { provider_id: config.id },
          failure: 'server',
        });
      }
      return parsed.data.map((model) => {
        const { info, facts } = readAnthropicModel(model);
        listed.set(model.id, facts);
        return info;
      });
    },

    async *streamChat(request: ProviderChatRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
      const context: FailureContext = { config, model: request.model, proxy };
      // Aborted when the chat stops and when the consumer leaves the loop early.
      const local = new AbortController();
      let streaming = false;
      // Images go into the body a chunk at a time, read from their files as the socket takes them.
      const json = streamedJson();
      try {
        const api = await sdkClient();
        const body = messagesBody(
          request,
          json.base64,
          listed.get(request.model) ?? factsFromName(request.model),
        );
        const withImages = request.messages.some((message) => message.images?.length);
        // `post`, not `messages.create`: the latter prints deprecation notices to the console. The SDK
        // sends a stream as it is (chunked).
        const response = await api
          .post('/v1/messages', {
            ...(withImages
              ? { body: json.body(body), headers: { 'content-type': 'application/json' } }
              : { body }),
            stream: true,
            signal: AbortSignal.any([signal, local.signal]),
          })
          .asResponse();
        streaming = true;
        const type = response.headers.get('content-type') ?? '';
        if (!type.startsWith('text/event-stream')) {
          throw notTheApiError(
            context,
            `it answered with ${type.split(';')[0] || 'no content type'}, not an event stream`,
          );
        }
        if (!response.body) throw new Error(`${label} did not stream its answer (no body).`);
        yield* readMessageStream(response.body, streamError(context));
      } catch (error) {
        // Stopped by the chat: the ChatService ends it as "stopped".
        if (signal.aborted) return;
        // An image's file that could not be read: that, not the network error fetch makes of it.
        throw toError(json.failure ?? error, context, streaming);
      } finally {
        local.abort(CLEANUP_ABORT);
      }
    },

    // Extended thinking is asked for per request (`options.think`), never implied by the model.
    isReasoningModel: async () => false,
  };
}

/** The parts of the SDK's APIError we read, by shape (the SDK itself is loaded lazily). */
function apiError(error: unknown):
  | {
      status: number | undefined;
      message: string;
      code?: string;
      retryAfterS?: number;
      fromAnthropic: boolean;
    }
  | undefined {
  if (!(error instanceof Error) || !('headers' in error) || !('status' in error)) return undefined;
  const status = typeof error.status === 'number' ? error.status : undefined;
  // The body: {"type":"error","error":{"type":"not_found_error","message":"model: …"}}.
  const body =
    'error' in error && error.error instanceof Object
      ? (error.error as { type?: unknown; error?: unknown })
      : {};
  const inner = body.error instanceof Object ? (body.error as { type?: unknown; message?: unknown }) : {};
  const message =
    typeof inner.message === 'string'
      ? inner.message
      : error.message.replace(/^\d{3} /, '').replace(/^status code \(no body\)$/, '');
  const headers = error.headers instanceof Headers ? error.headers : undefined;
  return {
    status,
    message,
    fromAnthropic: body.type === 'error',
    ...(typeof inner.type === 'string' ? { code: inner.type } : {}),
    ...(headers ? { retryAfterS: parseRetryAfter(headers) } : {}),
  };
}
