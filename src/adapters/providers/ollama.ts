import type { Message, Ollama, Tool } from 'ollama';
import { z } from 'zod';
import type { ChatOptions } from '../../domain/chat.js';
import { AppError } from '../../domain/errors.js';
import type {
  ChatProvider,
  Embeddings,
  EmbedRequest,
  ListModelsOptions,
  ModelInfo,
  ProviderChatRequest,
  ProviderChunk,
  ProviderMessage,
  ProviderTool,
  ProviderToolCall,
} from '../../domain/provider.js';
import { readToolArguments } from '../../domain/provider.js';
import type { ProviderConfig } from '../../domain/settings.js';
import { providerHost } from '../../domain/settings.js';
import { takesOnlyLevels } from '../../domain/think.js';
import { ThinkTagSplitter } from '../../domain/think-tags.js';
import { CLEANUP_ABORT } from '../../shared/cleanup-abort.js';
import { createProviderFetch, type Env, type SystemProxy } from './http.js';
import { type ImageEncoder, ollamaMessage } from './image-parts.js';
import { OllamaHttpFailure, type OllamaStreamProblem, ollamaFetch, readOllamaLines } from './ollama-fetch.js';
import { OllamaModels, withTag } from './ollama-models.js';
import {
  abortedError,
  type FailureContext,
  httpFailureError,
  inStreamError,
  malformedChunkError,
  networkError,
  providerLabel,
} from './provider-errors.js';
import { ReadJoiner } from './read-joiner.js';
import { maskUrl, redactSecrets } from './secrets.js';
import { type StreamedJson, streamedJson } from './streamed-json.js';

/** The SDK is loaded on first use: start-up time is benchmarked. */
let sdk: Promise<typeof import('ollama')> | undefined;
const loadSdk = () => {
  sdk ??= import('ollama');
  return sdk;
};

const tagsSchema = z.object({
  models: z.array(
    z.object({
      name: z.string(),
      digest: z.string().nullish(),
      size: z.number().optional(),
      modified_at: z.union([z.string(), z.date()]).optional(),
      details: z
        .object({
          family: z.string().nullish(),
          parameter_size: z.string().nullish(),
          quantization_level: z.string().nullish(),
        })
        .nullish(),
    }),
  ),
});

/**
 * The Ollama adapter: `/api/tags` with `/api/show` capabilities and `/api/ps`, streamed `/api/chat`,
 * and model management (ollama-models.ts).
 */
export function createOllamaProvider(
  config: ProviderConfig,
  deps: { env: Env; systemProxy?: SystemProxy | undefined },
): ChatProvider {
  const host = providerHost(config);
  const { fetch: baseFetch, chatFetch, route } = createProviderFetch({ host, proxy: config.proxy, ...deps });
  const proxy = route.via === 'proxy' ? route.url : undefined;

  /** One client per request: `client.abort()` would stop every request of a shared one. */
  async function client(signal?: AbortSignal): Promise<Ollama> {
    const { Ollama } = await loadSdk();
    return new Ollama({ host, fetch: ollamaFetch({ base: baseFetch, signal }) });
  }

  const streamError =
    (context: FailureContext) =>
    (problem: OllamaStreamProblem): AppError =>
      problem.kind === 'malformed'
        ? malformedChunkError(context, problem.line)
        : inStreamError(context, safe(problem.message));

  const safe = (text: string) => redactSecrets(text, [config.proxy, proxy]);
  const models = new OllamaModels({
    config,
    host,
    proxy,
    baseFetch,
    client,
    safe,
    toError: (error, context) => toError(error, context, false),
  });

  /**
   * Whether `/api/show` lists the `thinking` capability (cached per model). A failed answer (an
   * older Ollama, a model not pulled, a proxy) counts as "no" and is asked again next time: the
   * chat request itself then says what is wrong.
   */
  async function thinks(model: string, signal: AbortSignal): Promise<boolean> {
    return (await models.details(model, signal))?.capabilities?.includes('thinking') ?? false;
  }

  /** What `/api/show` says the model can do; null when it can't say (an older Ollama, a failed answer). */
  async function capabilities(model: string, signal: AbortSignal): Promise<readonly string[] | null> {
    return (await models.details(model, signal))?.capabilities ?? null;
  }

  function toError(error: unknown, context: FailureContext, streaming: boolean): AppError {
    if (error instanceof AppError) return error;
    if (error instanceof OllamaHttpFailure) {
      return httpFailureError(
        { status: error.status, message: safe(error.message), retryAfterS: error.retryAfterS },
        context,
      );
    }
    return networkError(error, { ...context, streaming });
  }

  return {
    config,

    async listModels(signal?: AbortSignal, options: ListModelsOptions = {}): Promise<ModelInfo[]> {
      const context: FailureContext = { config, proxy };
      let answer: unknown;
      let loaded: Set<string> | undefined;
      try {
        [answer, loaded] = await Promise.all([
          (await client(signal)).list(),
          options.brief ? undefined : models.loaded(signal),
        ]);
      } catch (error) {
        if (signal?.aborted) throw abortedError(context, signal);
        throw toError(error, context, false);
      }
      const parsed = tagsSchema.safeParse(answer);
      if (!parsed.success) {
        throw new AppError(
          'PROVIDER_ERROR',
          `${providerLabel(config)} at ${maskUrl(host)} did not answer /api/tags with a model list. Check that the host is an Ollama server.`,
          { details: { provider_id: config.id }, failure: 'client' },
        );
      }
      if (options.brief) return parsed.data.models.map(toModelInfo);
      return Promise.all(
        parsed.data.models.map(async (model) => {
          const details = await models.details(model.name, signal, model.digest ?? undefined);
          return {
            ...toModelInfo(model),
            capabilities: details?.capabilities ?? null,
            ...(details?.contextLength === undefined ? {} : { contextLength: details.contextLength }),
            ...(loaded ? { loaded: loaded.has(withTag(model.name)) } : {}),
          };
        }),
      );
    },

    async *streamChat(request: ProviderChatRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
      const context: FailureContext = { config, model: request.model, proxy };
      // Aborted when the chat stops and when the consumer leaves the loop early.
      const local = new AbortController();
      let streaming = false;
      // Sent by the adapter, not the SDK: images go into the body a chunk at a time, read from their
      // files as the socket takes them, and the answer's lines are read here.
      const json = streamedJson();
      try {
        const capable = await capabilities(request.model, signal);
        const think = capable?.includes('thinking')
          ? ollamaThink(request.model, request.options.think)
          : undefined;
        // A model whose capabilities lack `tools` gets none (CONTRACT section 11); an Ollama that lists none is asked anyway.
        // Ollama has no `tool_choice`: `none` is kept by offering no tools.
        const tools =
          request.tools?.length &&
          request.toolChoice !== 'none' &&
          (capable === null || capable.includes('tools'))
            ? request.tools
            : [];
        if (signal.aborted) return;
        const response = await ollamaFetch({
          base: chatFetch,
          signal: AbortSignal.any([signal, local.signal]),
        })(`${host}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
          ...chatBody(
            {
              model: request.model,
              messages: request.messages.map((message) => ollamaChatMessage(message, json.base64)),
              stream: true,
              ...(tools.length > 0 ? { tools: tools.map(ollamaTool) } : {}),
              ...(think === undefined ? {} : { think }),
              ...(request.options.jsonMode ? { format: 'json' } : {}),
              options: chatOptions(request),
            },
            request.messages,
            json,
          ),
        } as RequestInit);
        streaming = true;
        const body = response.body;
        if (!body) throw new Error('Ollama did not stream its answer (no NDJSON body).');
        const splitter = new ThinkTagSplitter();
        // What one network read held goes on as one chunk per kind: nothing waits for more.
        const read = new ReadJoiner();
        for await (const lines of readOllamaLines(body, streamError(context))) {
          for (const line of lines) {
            const { thinking, content, tool_calls: calls } = line.message ?? {};
            if (thinking) read.add('thinking', thinking);
            if (content) read.addAll(splitter.push(content));
            // Ollama sends each call whole, without an id: LightChat makes one.
            if (Array.isArray(calls)) {
              yield* read.take();
              for (const call of calls) yield { type: 'tool_call', call: ollamaToolCall(call) };
            }
            if (line.done) {
              read.addAll(splitter.end());
              yield* read.take();
              yield {
                type: 'done',
                finishReason: line.done_reason || 'stop',
                usage: { promptTokens: line.prompt_eval_count, completionTokens: line.eval_count },
              };
              return;
            }
          }
          yield* read.take();
        }
        // Cut without a `done` line: no `done` here, the ChatService calls the stream cut.
      } catch (error) {
        // Stopped by the chat: the ChatService ends it as "stopped".
        if (signal.aborted) return;
        // An image's file that could not be read: that, not the network error fetch makes of it.
        throw toError(json.failure ?? error, context, streaming);
      } finally {
        local.abort(CLEANUP_ABORT);
      }
    },

    isReasoningModel: thinks,

    modelDetails: (model, signal) => models.details(model, signal),

    models: {
      pull: (model, signal) => models.pull(model, signal),
      delete: (model, signal) => models.delete(model, signal),
      unload: (model, signal) => models.unload(model, signal),
    },

    async embed(request: EmbedRequest, signal: AbortSignal): Promise<Embeddings> {
      const context: FailureContext = { config, model: request.model, proxy };
      try {
        const answer = await (await client(signal)).embed({
          model: request.model,
          input: request.input,
          ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
        });
        return { vectors: answer.embeddings, promptTokens: answer.prompt_eval_count };
      } catch (error) {
        if (signal.aborted) throw abortedError(context, signal);
        throw toError(error, context, false);
      }
    },
  };
}

/**
 * A chat's body: with images, streamed (their files read as the socket takes them); without, its
 * JSON text, sent with a content-length in one write — a streamed body goes chunked, in several
 * writes the server must wait for, on every chat's path to its first token.
 */
function chatBody(value: unknown, messages: readonly ProviderMessage[], json: StreamedJson): RequestInit {
  if (!messages.some((message) => message.images?.length)) return { body: JSON.stringify(value) };
  return { body: json.body(value), duplex: 'half' } as RequestInit;
}

/**
 * `options.think` as Ollama's `think`, for a model with the `thinking` capability (others are sent
 * nothing: thinking asked of them is not an error). Unset means on, shown apart from the answer.
 * gpt-oss takes levels only (it ignores booleans); other models take booleans only.
 */
export function ollamaThink(model: string, think: ChatOptions['think']): boolean | 'low' | 'medium' | 'high' {
  if (think === undefined) return true; // as before `options.think`: every Ollama takes it
  const levels = takesOnlyLevels(model);
  if (think === true) return levels ? 'medium' : true;
  if (think === false) return false;
  return levels ? think : true;
}

/** A message in Ollama's format: calls on the assistant's turn, results as `tool` with `tool_name`. */
function ollamaChatMessage(message: ProviderMessage, base64: ImageEncoder): Message {
  const { role, content } = message;
  if (role === 'tool') return { role, content, tool_name: message.toolName ?? '' };
  if (role === 'assistant' && message.toolCalls?.length) {
    return {
      role,
      content,
      tool_calls: message.toolCalls.map((call) => ({
        function: { name: call.name, arguments: call.arguments },
      })),
    };
  }
  return ollamaMessage(message, base64);
}

function ollamaTool(tool: ProviderTool): Tool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters as Tool['function']['parameters'],
    },
  };
}

function ollamaToolCall(call: unknown): ProviderToolCall {
  const fn = (call as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
  return {
    id: `call_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`,
    name: typeof fn?.name === 'string' ? fn.name : '',
    ...readToolArguments(fn?.arguments),
  };
}

function chatOptions(request: ProviderChatRequest): Record<string, number | string[]> {
  const { temperature, maxTokens, numCtx, topP, stop, seed } = request.options;
  return {
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxTokens === undefined ? {} : { num_predict: maxTokens }),
    ...(numCtx === undefined ? {} : { num_ctx: numCtx }),
    ...(topP === undefined ? {} : { top_p: topP }),
    ...(stop === undefined ? {} : { stop }),
    ...(seed === undefined ? {} : { seed }),
  };
}

function toModelInfo(model: z.infer<typeof tagsSchema>['models'][number]): ModelInfo {
  const details = model.details ?? {};
  const modifiedAt = model.modified_at instanceof Date ? model.modified_at.toISOString() : model.modified_at;
  return {
    id: model.name,
    name: model.name,
    ...(model.size === undefined ? {} : { sizeBytes: model.size }),
    ...(modifiedAt ? { modifiedAt } : {}),
    ...(details.family ? { family: details.family } : {}),
    ...(details.parameter_size ? { parameterSize: details.parameter_size } : {}),
    ...(details.quantization_level ? { quantization: details.quantization_level } : {}),
  };
}
