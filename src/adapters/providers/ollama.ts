import type { AbortableAsyncIterator, ChatResponse, Ollama } from 'ollama';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import type { ChatProvider, ModelInfo, ProviderChatRequest, ProviderChunk } from '../../domain/provider.js';
import type { ProviderConfig } from '../../domain/settings.js';
import { providerHost } from '../../domain/settings.js';
import { ThinkTagSplitter } from '../../domain/think-tags.js';
import { createProviderFetch, type Env } from './http.js';
import { OllamaHttpFailure, ollamaFetch } from './ollama-fetch.js';
import {
  abortedError,
  type FailureContext,
  httpFailureError,
  inStreamError,
  malformedChunkError,
  networkError,
  providerLabel,
} from './provider-errors.js';
import { maskUrl, redactSecrets } from './secrets.js';

/** The SDK is loaded on first use: start-up time is benchmarked. */
let sdk: Promise<typeof import('ollama')> | undefined;
const loadSdk = () => {
  sdk ??= import('ollama');
  return sdk;
};

/** What ollama-js throws when the NDJSON stream ends without a `done` line: a cut stream. */
const CUT_STREAM = 'Did not receive done or success response in stream.';

const tagsSchema = z.object({
  models: z.array(
    z.object({
      name: z.string(),
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

/** The Ollama adapter: `/api/tags`, `/api/show` (thinking capability), streamed `/api/chat`. */
export function createOllamaProvider(config: ProviderConfig, deps: { env: Env }): ChatProvider {
  const host = providerHost(config);
  const { fetch: baseFetch, route } = createProviderFetch({ host, proxy: config.proxy, env: deps.env });
  const proxy = route.via === 'proxy' ? route.url : undefined;
  /** Model → whether `/api/show` lists the `thinking` capability. */
  const thinkingModels = new Map<string, boolean>();

  /** One client per request: `client.abort()` would stop every stream of a shared one. */
  async function client(context: FailureContext, signal?: AbortSignal): Promise<Ollama> {
    const { Ollama } = await loadSdk();
    const fetch = ollamaFetch({
      base: baseFetch,
      signal,
      streamError: (problem) =>
        problem.kind === 'malformed'
          ? malformedChunkError(context, problem.line)
          : inStreamError(context, safe(problem.message)),
    });
    return new Ollama({ host, fetch });
  }

  async function thinks(api: Ollama, model: string): Promise<boolean> {
    const known = thinkingModels.get(model);
    if (known !== undefined) return known;
    const info = await api.show({ model });
    const capable = Array.isArray(info.capabilities) && info.capabilities.includes('thinking');
    thinkingModels.set(model, capable);
    return capable;
  }

  const safe = (text: string) => redactSecrets(text, [config.proxy, proxy]);

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

    async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
      const context: FailureContext = { config, proxy };
      let answer: unknown;
      try {
        answer = await (await client(context, signal)).list();
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
      return parsed.data.models.map(toModelInfo);
    },

    async *streamChat(request: ProviderChatRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
      const context: FailureContext = { config, model: request.model, proxy };
      let iterator: AbortableAsyncIterator<ChatResponse> | undefined;
      let streaming = false;
      try {
        const api = await client(context, signal);
        const think = await thinks(api, request.model);
        if (signal.aborted) return;
        iterator = await api.chat({
          model: request.model,
          messages: request.messages.map(({ role, content }) => ({ role, content })),
          stream: true,
          ...(think ? { think: true } : {}),
          options: chatOptions(request),
        });
        streaming = true;
        const splitter = new ThinkTagSplitter();
        for await (const part of iterator) {
          const { thinking, content } = part.message ?? {};
          if (thinking) yield { type: 'thinking', text: thinking };
          if (content) yield* splitter.push(content);
          if (part.done) {
            yield* splitter.end();
            yield {
              type: 'done',
              finishReason: part.done_reason || 'stop',
              usage: { promptTokens: part.prompt_eval_count, completionTokens: part.eval_count },
            };
            return;
          }
        }
      } catch (error) {
        // Stopped by the chat, or cut without a `done` line: the ChatService tells the two apart.
        if (signal.aborted) return;
        if (error instanceof Error && error.message === CUT_STREAM) return;
        throw toError(error, context, streaming);
      } finally {
        // Leaving a `for await` does not abort ollama-js's request; its iterator's abort() does.
        iterator?.abort();
      }
    },
  };
}

function chatOptions(request: ProviderChatRequest): Record<string, number> {
  const { temperature, maxTokens, numCtx } = request.options;
  return {
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxTokens === undefined ? {} : { num_predict: maxTokens }),
    ...(numCtx === undefined ? {} : { num_ctx: numCtx }),
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
