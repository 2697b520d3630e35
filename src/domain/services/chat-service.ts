import type { ChatEvent, ChatMessage, ChatOptions, ChatRequest } from '../chat.js';
import { chatRequestSchema } from '../chat.js';
import { AppError, toAppError } from '../errors.js';
import type { ChatLog } from '../ports/chat-log.port.js';
import type { ChatProvider, ProviderChunk } from '../provider.js';
import {
  DEFAULT_FIRST_TOKEN_TIMEOUT_S,
  DEFAULT_IDLE_TIMEOUT_S,
  isLoopbackUrl,
  providerHost,
  providerName,
} from '../settings.js';
import { firstChatModel } from './model-filter.js';
import type { ProviderRegistry } from './provider-registry.js';
import { retryDelayMs, shouldRetry } from './retry-policy.js';
import { zodIssues } from './validation.js';

/** A chat whose provider and model are resolved; nothing has been sent yet. */
export interface PreparedChat {
  requestId: string;
  provider: ChatProvider;
  providerId: string;
  modelId: string;
  messages: ChatMessage[];
  options: ChatOptions;
  systemPrompt: string | null;
  /** `now()` when the request was accepted: TTFT and duration count from here, retries included. */
  acceptedAt: number;
}

export interface ChatServiceDeps {
  providers: ProviderRegistry;
  log: ChatLog;
  now?: () => number;
  newId?: () => string;
}

/** The chat engine: resolution, system prompt, one retry, timeouts, stats, log entries, abort. */
export class ChatService {
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly deps: ChatServiceDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.newId = deps.newId ?? (() => crypto.randomUUID());
  }

  /** Validates and resolves provider and model; throws a clear AppError before anything streams. */
  async prepare(input: unknown, signal?: AbortSignal): Promise<PreparedChat> {
    const acceptedAt = this.now();
    const parsed = chatRequestSchema.safeParse(input);
    if (!parsed.success) {
      throw new AppError('VALIDATION_ERROR', `Invalid chat request: ${parsed.error.issues[0]?.message}`, {
        details: { issues: zodIssues(parsed.error) },
      });
    }
    const request: ChatRequest = parsed.data;
    const provider = this.deps.providers.resolve(request.providerId);
    const modelId =
      request.modelId ?? provider.config.defaultModel ?? (await this.firstModel(provider, signal));
    const systemPrompt = blankToNull(request.systemPrompt) ?? blankToNull(provider.config.systemPrompt);
    return {
      requestId: this.newId(),
      provider,
      providerId: provider.config.id,
      modelId,
      messages: withSystemPrompt(request.messages, systemPrompt),
      options: request.options ?? {},
      systemPrompt,
      acceptedAt,
    };
  }

  /**
   * Streams `token` and `thinking` events, then exactly one `done`; a failure is thrown as an
   * AppError. Aborting `signal` stops the provider request and ends with `done` ("stopped");
   * leaving the loop early stops it too. The log gets the whole answer once, at the end.
   */
  async *stream(chat: PreparedChat, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    const run = new ChatRun(chat, this.deps.log, this.now);
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    run.logStart();
    try {
      for (let attempt = 1; ; attempt++) {
        // Stopped before the provider was asked (or while waiting to retry): ask nothing.
        if (stop.signal.aborted) break;
        try {
          yield* run.attempt(stop.signal);
          break;
        } catch (error) {
          const appError = toAppError(error);
          if (stop.signal.aborted) break;
          if (run.started || attempt > 1 || !shouldRetry(appError, { loopback: run.loopback }))
            throw appError;
          run.logRetry(appError);
          await sleep(retryDelayMs(appError), stop.signal);
        }
      }
      if (stop.signal.aborted) {
        yield run.finish('stopped');
      } else {
        yield run.finish();
      }
    } catch (error) {
      run.logFailure(toAppError(error));
      throw toAppError(error);
    } finally {
      signal.removeEventListener('abort', onAbort);
      // The consumer left early (break, closed socket): stop the provider and keep the partial answer.
      if (!run.ended) {
        stop.abort();
        run.logAborted();
      }
    }
  }

  /** prepare + stream, for callers that need no step in between. */
  async *run(input: unknown, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    yield* this.stream(await this.prepare(input, signal), signal);
  }

  private async firstModel(provider: ChatProvider, signal?: AbortSignal): Promise<string> {
    const models = await provider.listModels(signal);
    const model = firstChatModel(provider.config.type, models);
    if (model) return model.id;
    const name = providerName(provider.config);
    throw new AppError(
      'MODEL_NOT_FOUND',
      provider.config.type === 'ollama'
        ? `${name} has no models installed. Pull one with \`ollama pull llama3.2\`, or set default_model in settings.yaml.`
        : `${name} lists no chat model. Set default_model for provider "${provider.config.id}" in settings.yaml.`,
      { details: { provider_id: provider.config.id } },
    );
  }
}

/** The state of one chat while it streams: text so far, counts, timings and its log entries. */
class ChatRun {
  answer = '';
  thinking = '';
  countedTokens = 0;
  firstChunkAt: number | null = null;
  ended = false;
  readonly loopback: boolean;
  private usage: { promptTokens?: number; completionTokens?: number } = {};
  private finishReason = 'stop';

  constructor(
    private readonly chat: PreparedChat,
    private readonly log: ChatLog,
    private readonly now: () => number,
  ) {
    this.loopback = isLoopbackUrl(providerHost(chat.provider.config));
  }

  get started(): boolean {
    return this.firstChunkAt !== null;
  }

  /** One provider request, with the first-token and idle timeouts. */
  async *attempt(outer: AbortSignal): AsyncGenerator<ChatEvent> {
    const config = this.chat.provider.config;
    const firstMs = (config.timeoutS ?? DEFAULT_FIRST_TOKEN_TIMEOUT_S[config.type]) * 1000;
    const idleMs = (config.idleTimeoutS ?? DEFAULT_IDLE_TIMEOUT_S) * 1000;
    const request = new AbortController();
    const onAbort = () => request.abort(outer.reason);
    outer.addEventListener('abort', onAbort, { once: true });
    const watchdog = new Watchdog(
      () => (this.started ? idleMs : firstMs),
      this.now,
      () => request.abort(),
    );
    let done: Extract<ProviderChunk, { type: 'done' }> | null = null;
    try {
      const chunks = this.chat.provider.streamChat(
        { model: this.chat.modelId, messages: this.chat.messages, options: this.chat.options },
        request.signal,
      );
      for await (const chunk of chunks) {
        watchdog.feed();
        if (chunk.type === 'done') {
          done = chunk;
          break;
        }
        if (chunk.text === '') continue;
        if (this.firstChunkAt === null) {
          this.firstChunkAt = this.now();
          watchdog.restart();
        }
        this.countedTokens += chunk.count ?? 1;
        if (chunk.type === 'token') this.answer += chunk.text;
        else this.thinking += chunk.text;
        yield { type: chunk.type, text: chunk.text };
      }
    } catch (error) {
      if (watchdog.fired) throw this.timeoutError(firstMs, idleMs);
      throw error;
    } finally {
      watchdog.stop();
      outer.removeEventListener('abort', onAbort);
      request.abort();
    }
    if (watchdog.fired) throw this.timeoutError(firstMs, idleMs);
    if (outer.aborted) return;
    if (!done) {
      throw new AppError(
        'PROVIDER_ERROR',
        `${providerName(config)} closed the stream before the answer was finished. The partial answer is kept; try again.`,
        {
          failure: 'connection',
          details: { provider_id: config.id, model_id: this.chat.modelId, reason: 'stream_cut' },
        },
      );
    }
    this.finishReason = done.finishReason;
    this.usage = done.usage ?? {};
  }

  finish(finishReason?: string): ChatEvent {
    this.ended = true;
    const stats = this.stats();
    const reason = finishReason ?? this.finishReason;
    const usage = {
      promptTokens: this.usage.promptTokens ?? null,
      completionTokens: this.usage.completionTokens ?? this.countedTokens,
    };
    this.log.append({
      role: 'assistant',
      content: this.answer,
      providerId: this.chat.providerId,
      modelId: this.chat.modelId,
      ...(reason === 'stopped' ? { eventType: 'chat_aborted' } : {}),
      details: {
        request_id: this.chat.requestId,
        finish_reason: reason,
        ttft_ms: stats.ttftMs,
        duration_ms: stats.durationMs,
        completion_tokens: usage.completionTokens,
        tokens_per_s: stats.tokensPerS,
        ...(this.thinking ? { thinking: this.thinking } : {}),
        ...(reason === 'stopped' ? { error_code: 'CHAT_STOPPED' } : {}),
      },
    });
    return {
      type: 'done',
      finishReason: reason,
      providerId: this.chat.providerId,
      modelId: this.chat.modelId,
      usage,
      stats: {
        ...stats,
        tokensPerS: round(usage.completionTokens / Math.max(stats.durationMs / 1000, 1e-6)),
      },
    };
  }

  logStart(): void {
    const lastUser = [...this.chat.messages].reverse().find((message) => message.role === 'user');
    this.log.append({
      role: 'user',
      content: lastUser?.content ?? '',
      providerId: this.chat.providerId,
      modelId: this.chat.modelId,
      details: {
        request_id: this.chat.requestId,
        system_prompt: this.chat.systemPrompt,
        message_count: this.chat.messages.length,
      },
    });
  }

  logRetry(error: AppError): void {
    this.log.append({
      role: 'system',
      content: `Retrying once after: ${error.message}`,
      providerId: this.chat.providerId,
      modelId: this.chat.modelId,
      eventType: 'chat_retry',
      details: { request_id: this.chat.requestId, error_code: error.code },
    });
  }

  logFailure(error: AppError): void {
    this.logPartial('chat_error', { error_code: error.code, message: error.message });
  }

  logAborted(): void {
    this.logPartial('chat_aborted', { error_code: 'CHAT_STOPPED' });
  }

  /** The answer so far, when the chat ends without finishing. */
  private logPartial(eventType: string, details: Record<string, unknown>): void {
    this.ended = true;
    this.log.append({
      role: 'assistant',
      content: this.answer,
      providerId: this.chat.providerId,
      modelId: this.chat.modelId,
      eventType,
      details: { request_id: this.chat.requestId, ...details, ...this.stats() },
    });
  }

  private stats() {
    const durationMs = round(this.now() - this.chat.acceptedAt);
    const ttftMs = this.firstChunkAt === null ? null : round(this.firstChunkAt - this.chat.acceptedAt);
    return { ttftMs, durationMs, tokensPerS: round(this.countedTokens / Math.max(durationMs / 1000, 1e-6)) };
  }

  private timeoutError(firstMs: number, idleMs: number): AppError {
    const config = this.chat.provider.config;
    const name = providerName(config);
    const message = this.started
      ? `${name} stopped sending for ${idleMs / 1000} s in the middle of the answer (idle_timeout_s). The partial answer is kept.`
      : `${name} sent nothing for ${firstMs / 1000} s (timeout_s). ${
          config.type === 'ollama'
            ? 'The model may still be loading; try again or raise timeout_s.'
            : 'Try again later.'
        }`;
    return new AppError('PROVIDER_TIMEOUT', message, {
      failure: 'timeout',
      details: {
        provider_id: config.id,
        model_id: this.chat.modelId,
        timeout_s: (this.started ? idleMs : firstMs) / 1000,
      },
    });
  }
}

/** One timer per request, re-armed lazily: no timer work per token. */
class Watchdog {
  fired = false;
  private last: number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly limitMs: () => number,
    private readonly now: () => number,
    private readonly onFire: () => void,
  ) {
    this.last = now();
    this.arm(limitMs());
  }

  feed(): void {
    this.last = this.now();
  }

  /** The limit changed (first chunk: from the first-token timeout to the idle timeout). */
  restart(): void {
    this.stop();
    this.feed();
    this.arm(this.limitMs());
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      const left = this.limitMs() - (this.now() - this.last);
      if (left > 1) return this.arm(left);
      this.fired = true;
      this.onFire();
    }, ms);
  }
}

function withSystemPrompt(messages: ChatMessage[], systemPrompt: string | null): ChatMessage[] {
  if (systemPrompt === null) return messages;
  const rest = messages[0]?.role === 'system' ? messages.slice(1) : messages;
  return [{ role: 'system', content: systemPrompt }, ...rest];
}

const blankToNull = (value: string | null | undefined): string | null => (value?.trim() ? value : null);
const round = (ms: number): number => Math.round(ms * 10) / 10;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
