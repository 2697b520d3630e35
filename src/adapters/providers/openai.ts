import type OpenAI from 'openai';
import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { ChatOptions } from '../../domain/chat.js';
import { AppError } from '../../domain/errors.js';
import type {
  ChatProvider,
  Embeddings,
  EmbedRequest,
  ModelInfo,
  ProviderChatRequest,
  ProviderChunk,
  ProviderMessage,
  ProviderTool,
  ToolChoice,
} from '../../domain/provider.js';
import type { ProviderConfig } from '../../domain/settings.js';
import { isLoopbackUrl, providerHost, resolveApiKey } from '../../domain/settings.js';
import { CLEANUP_ABORT } from '../../shared/cleanup-abort.js';
import { createProviderFetch, type Env, type SystemProxy } from './http.js';
import { type ImageEncoder, openAIMessage } from './image-parts.js';
import { type OpenAIStreamProblem, readCompletionStream } from './openai-stream.js';
import {
  abortedError,
  type FailureContext,
  httpFailureError,
  inStreamError,
  keyHint,
  malformedChunkError,
  networkError,
  parseRetryAfter,
  providerLabel,
} from './provider-errors.js';
import { maskUrl, redactSecrets } from './secrets.js';
import { type StreamedJson, streamedJson } from './streamed-json.js';

/** The SDK is loaded on first use: start-up time is benchmarked. */
let sdk: Promise<typeof import('openai')> | undefined;
const loadSdk = () => {
  sdk ??= import('openai');
  return sdk;
};

/** What OpenAI-compatible servers taught us, shared by every adapter of one factory map. */
export class OpenAICompatMemory {
  /** Hosts that answered 400 to `stream_options`: usage then comes from counted chunks. */
  readonly hostsWithoutStreamOptions = new Set<string>();
}

/** o1/o3/o4 and gpt-5 take `max_completion_tokens` and only the default temperature. */
export const isReasoningModel = (model: string): boolean => /(^|\/)(o\d|gpt-5)/i.test(model);

/** A keyless local server (llama.cpp, LM Studio) still needs a key for the SDK to start. */
const LOCAL_PLACEHOLDER_KEY = 'lightchat-no-key';

const modelListSchema = z.array(z.object({ id: z.string(), created: z.number().nullish() }));

/** The adapter for OpenAI and every OpenAI-compatible server (`baseURL` = the provider's host). */
export function createOpenAIProvider(
  config: ProviderConfig,
  deps: { env: Env; systemProxy?: SystemProxy | undefined; memory: OpenAICompatMemory },
): ChatProvider {
  const host = providerHost(config);
  const { chatFetch, route } = createProviderFetch({
    host,
    proxy: config.proxy,
    env: deps.env,
    systemProxy: deps.systemProxy,
  });
  const proxy = route.via === 'proxy' ? route.url : undefined;
  const { key } = resolveApiKey(config, deps.env);
  const label = providerLabel(config);
  let client: Promise<OpenAI> | undefined;

  function sdkClient(): Promise<OpenAI> {
    if (!key && !isLoopbackUrl(host)) {
      throw new AppError('PROVIDER_UNAUTHORIZED', `${label} needs an API key. ${keyHint(config)}`, {
        details: { provider_id: config.id, reason: 'missing_api_key' },
        failure: 'client',
      });
    }
    client ??= loadSdk().then(
      ({ default: OpenAIClient }) =>
        new OpenAIClient({
          apiKey: key ?? LOCAL_PLACEHOLDER_KEY,
          baseURL: host,
          maxRetries: 0, // the ChatService owns the retry policy
          fetch: chatFetch,
          logLevel: 'off',
          // Never picked up from this process's environment: settings.yaml says what is sent.
          organization: null,
          project: null,
          adminAPIKey: null,
        }),
    );
    return client;
  }

  const safe = (text: string) => redactSecrets(text, [key, config.proxy, proxy]);

  function toError(error: unknown, context: FailureContext, streaming: boolean): AppError {
    if (error instanceof AppError) return error;
    if (error instanceof SyntaxError) return malformedChunkError(context);
    const api = apiError(error);
    if (api?.status !== undefined) {
      return httpFailureError(
        { status: api.status, message: safe(api.message), code: api.code, retryAfterS: api.retryAfterS },
        context,
      );
    }
    // An `{"error": …}` event inside a stream: an APIError without a status.
    if (api?.body) return inStreamError(context, safe(api.message));
    return networkError(error, { ...context, streaming });
  }

  /**
   * The SDK sends the request and maps a failed answer to its APIError; the adapter reads the body.
   * With images, the body is streamed (`streamed-json.ts`) in place of the one the SDK would make;
   * without images the SDK's own body goes, as it always did.
   */
  async function open(
    api: OpenAI,
    request: ProviderChatRequest,
    signal: AbortSignal,
    json: StreamedJson,
  ): Promise<Response> {
    const send = (withUsage: boolean) => {
      const body = chatBody(request, withUsage, json.base64);
      // A request option's `body` wins over the params' (the SDK sends a stream as it is, chunked).
      const streamed = request.messages.some((message) => message.images?.length)
        ? { body: json.body(body), headers: { 'content-type': 'application/json' } }
        : {};
      return api.chat.completions.create(body, { signal, ...streamed }).asResponse();
    };
    const withUsage = !deps.memory.hostsWithoutStreamOptions.has(host);
    try {
      return await send(withUsage);
    } catch (error) {
      if (!withUsage || !rejectsStreamOptions(error)) throw error;
      deps.memory.hostsWithoutStreamOptions.add(host);
      return await send(false);
    }
  }

  const streamError =
    (context: FailureContext) =>
    (problem: OpenAIStreamProblem): AppError =>
      problem.kind === 'malformed'
        ? malformedChunkError(context, problem.data)
        : inStreamError(context, safe(problem.message));

  return {
    config,

    async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
      const context: FailureContext = { config, proxy };
      let data: unknown;
      try {
        data = (await (await sdkClient()).models.list({ signal })).data;
      } catch (error) {
        const status = apiError(error)?.status;
        if (status === 404 || status === 405 || status === 501) return noModelList(config, status);
        if (signal?.aborted) throw abortedError(context, signal);
        throw toError(error, context, false);
      }
      const parsed = modelListSchema.safeParse(data);
      if (!parsed.success) return noModelList(config, 200);
      return parsed.data.map((model) => ({
        id: model.id,
        name: model.id,
        ...(model.created ? { modifiedAt: new Date(model.created * 1000).toISOString() } : {}),
      }));
    },

    async *streamChat(request: ProviderChatRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
      const context: FailureContext = { config, model: request.model, proxy };
      // Aborted when the chat stops and when the consumer leaves the loop early.
      const local = new AbortController();
      let streaming = false;
      const json = streamedJson();
      try {
        const response = await open(
          await sdkClient(),
          request,
          AbortSignal.any([signal, local.signal]),
          json,
        );
        streaming = true;
        if (!response.body) throw new Error(`${label} did not stream its answer (no body).`);
        yield* readCompletionStream(response.body, streamError(context));
      } catch (error) {
        // Stopped by the chat: the ChatService ends it as "stopped".
        if (signal.aborted) return;
        // An image's file that could not be read: that, not the network error fetch makes of it.
        throw toError(json.failure ?? error, context, streaming);
      } finally {
        local.abort(CLEANUP_ABORT);
      }
    },

    isReasoningModel: async (model: string) => isReasoningModel(model),

    async embed(request: EmbedRequest, signal: AbortSignal): Promise<Embeddings> {
      const context: FailureContext = { config, model: request.model, proxy };
      try {
        const answer = await (await sdkClient()).embeddings.create(
          {
            model: request.model,
            input: request.input,
            encoding_format: 'float',
            ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
          },
          { signal },
        );
        const vectors = [...answer.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
        return { vectors, promptTokens: answer.usage?.prompt_tokens };
      } catch (error) {
        if (signal.aborted) throw abortedError(context, signal);
        throw toError(error, context, false);
      }
    },
  };
}

/**
 * `options.think` as `reasoning_effort` (CONTRACT section 12), for reasoning models only: other
 * models are sent nothing (thinking asked of a model without it is not an error). `false` is the
 * lowest effort the model takes: gpt-5.1 and later `none`, gpt-5 `minimal`, the o-series `low`.
 */
type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high';

export function reasoningEffort(model: string, think: ChatOptions['think']): ReasoningEffort | undefined {
  if (think === undefined || !isReasoningModel(model)) return undefined;
  // gpt-5-chat is the chat model behind ChatGPT: it takes no reasoning_effort.
  if (/gpt-5[^/]*-chat/i.test(model)) return undefined;
  if (think === true) return 'medium';
  if (think !== false) return think;
  if (/(^|\/)gpt-5\.\d/i.test(model)) return 'none';
  if (/(^|\/)gpt-5/i.test(model)) return 'minimal';
  return 'low';
}

function chatBody(request: ProviderChatRequest, withUsage: boolean, encode: ImageEncoder) {
  const reasoning = isReasoningModel(request.model);
  const { temperature, maxTokens, topP, stop, seed, jsonMode, think } = request.options;
  const effort = reasoningEffort(request.model, think);
  return {
    model: request.model,
    messages: request.messages.map((message) => openAIChatMessage(message, encode)),
    stream: true as const,
    ...(request.tools?.length ? { tools: request.tools.map(openAITool) } : {}),
    ...(request.tools?.length && request.toolChoice !== undefined
      ? { tool_choice: openAIToolChoice(request.toolChoice) }
      : {}),
    ...(withUsage ? { stream_options: { include_usage: true } } : {}),
    ...(temperature === undefined || reasoning ? {} : { temperature }),
    ...(topP === undefined ? {} : { top_p: topP }),
    ...(stop === undefined ? {} : { stop }),
    ...(seed === undefined ? {} : { seed }),
    ...(jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
    ...(maxTokens === undefined
      ? {}
      : reasoning
        ? { max_completion_tokens: maxTokens }
        : { max_tokens: maxTokens }),
    ...(effort === undefined ? {} : { reasoning_effort: effort }),
  };
}

/** A message in OpenAI's format: calls on the assistant's turn, results as `tool` with `tool_call_id`. */
function openAIChatMessage(message: ProviderMessage, encode: ImageEncoder): ChatCompletionMessageParam {
  const { role, content } = message;
  if (role === 'tool') return { role, content, tool_call_id: message.toolCallId ?? '' };
  if (role === 'assistant' && message.toolCalls?.length) {
    return {
      role,
      content: content === '' ? null : content,
      tool_calls: message.toolCalls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        // A call whose arguments did not parse goes back as the model sent it.
        function: { name: call.name, arguments: call.invalidArguments ?? JSON.stringify(call.arguments) },
      })),
    };
  }
  return openAIMessage(message, encode) as ChatCompletionMessageParam;
}

function openAITool(tool: ProviderTool): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}

function openAIToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/** Without `/models` the provider's `default_model` is the one model it has. */
function noModelList(config: ProviderConfig, status: number): ModelInfo[] {
  if (config.defaultModel) return [{ id: config.defaultModel, name: config.defaultModel }];
  throw new AppError(
    'PROVIDER_ERROR',
    `${providerLabel(config)} at ${maskUrl(providerHost(config))} has no model list (/models answered ${status}). Set default_model for provider "${config.id}" in settings.yaml.`,
    { details: { provider_id: config.id, status }, failure: 'client' },
  );
}

/** The parts of the SDK's APIError we read, by shape (the SDK itself is loaded lazily). */
function apiError(
  error: unknown,
):
  | { status: number | undefined; message: string; code?: string; body: unknown; retryAfterS?: number }
  | undefined {
  if (!(error instanceof Error) || !('headers' in error) || !('status' in error)) return undefined;
  const status = typeof error.status === 'number' ? error.status : undefined;
  const body = 'error' in error ? error.error : undefined;
  const bodyObject =
    body instanceof Object ? (body as { message?: unknown; code?: unknown; type?: unknown }) : {};
  const message =
    typeof bodyObject.message === 'string'
      ? bodyObject.message
      : error.message.replace(/^\d{3} /, '').replace(/^status code \(no body\)$/, '');
  const code =
    typeof bodyObject.code === 'string'
      ? bodyObject.code
      : typeof bodyObject.type === 'string'
        ? bodyObject.type
        : undefined;
  const headers = error.headers instanceof Headers ? error.headers : undefined;
  return {
    status,
    message,
    body,
    ...(code ? { code } : {}),
    ...(headers ? { retryAfterS: parseRetryAfter(headers) } : {}),
  };
}

function rejectsStreamOptions(error: unknown): boolean {
  const api = apiError(error);
  if (api?.status !== 400) return false;
  const param = error instanceof Object && 'param' in error ? String(error.param) : '';
  return /stream_options|include_usage/i.test(`${param} ${api.message} ${JSON.stringify(api.body ?? '')}`);
}
