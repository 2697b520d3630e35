import type { Attachment } from '../attachment.js';
import type { ChatEvent, ChatRequest, ProviderOptions } from '../chat.js';
import { chatRequestSchema } from '../chat.js';
import { AppError, toAppError } from '../errors.js';
import type { AttachmentStore } from '../ports/attachment-store.port.js';
import type { ChatLog } from '../ports/chat-log.port.js';
import type {
  ChatProvider,
  ModelDetails,
  ModelInfo,
  ProviderMessage,
  ProviderTool,
  ToolChoice,
} from '../provider.js';
import { providerName } from '../settings.js';
import { withAttachments } from './attachment-content.js';
import { ChatRun } from './chat-run.js';
import { contextWindow, fitContext, providerMessageTokens } from './context-window.js';
import { firstChatModel } from './model-filter.js';
import { modelDetailsOf } from './model-settings.js';
import type { ProviderRegistry } from './provider-registry.js';
import { retryDelayMs, shouldRetry } from './retry-policy.js';
import { type ChatToolsDeps, type OfferedTools, offerTools, runToolRound } from './tool-round.js';
import { zodIssues } from './validation.js';

/** A chat whose provider and model are resolved; nothing has been sent yet. */
export interface PreparedChat {
  requestId: string;
  provider: ChatProvider;
  providerId: string;
  modelId: string;
  messages: ProviderMessage[];
  options: ProviderOptions;
  systemPrompt: string | null;
  /** The files of the newest user message (CONTRACT section 12): a stored chat keeps them with it. */
  attachments?: Attachment[];
  /**
   * Called with the provider's signature of the answer's thinking (never shown to anyone): a
   * stored chat keeps it with the answer for the next turn to send back.
   */
  onSignature?: (signature: string) => void;
  /** Old messages left out to fit the model's context window (CONTRACT section 12). */
  droppedMessages?: number;
  /** `now()` when the request was accepted: TTFT and duration count from here, retries included. */
  acceptedAt: number;
  /**
   * The gateway's pass-through mode (CONTRACT section 13): the messages go as they are and the chat
   * writes no log entries of its own (the caller logs metadata only).
   */
  passThrough?: boolean;
  /** `tools: "auto"` with tools to offer; absent: the chat offers none (CONTRACT section 11). */
  tools?: OfferedTools;
  /** The registry's id of the chat: approvals are asked under it. */
  chatId?: string;
  /**
   * Pass-through mode: the client's own tools, relayed to the provider; the model's calls come back
   * as `toolCall` events and end the answer (`tool_calls`), never run here.
   */
  clientTools?: { tools: ProviderTool[]; choice?: ToolChoice };
}

/**
 * A gateway call: the client's conversation (verbatim: tool calls, tool results, images) and
 * parameters, for one named provider and model.
 */
export interface PassThroughRequest {
  providerId: string;
  modelId: string;
  messages: ProviderMessage[];
  options: ProviderOptions;
  tools?: ProviderTool[];
  toolChoice?: ToolChoice;
}

/** How long a chat that names no model waits for the provider's model list (CONTRACT section 3). */
export const MODEL_LOOKUP_TIMEOUT_MS = 10_000;

export interface ChatServiceDeps {
  providers: ProviderRegistry;
  log: ChatLog;
  /** Attached files; absent: a chat that names one is refused. */
  attachments?: AttachmentStore;
  /** MCP tools, approvals and `tools` settings; absent: no chat is offered tools. */
  tools?: ChatToolsDeps;
  now?: () => number;
  newId?: () => string;
}

/** The chat engine: resolution, system prompt, one retry, timeouts, stats, log entries, abort. */
export class ChatService {
  private readonly now: () => number;
  private readonly newId: () => string;
  private active = 0;

  constructor(private readonly deps: ChatServiceDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.newId = deps.newId ?? (() => crypto.randomUUID());
  }

  /** How many chats are streaming now, whichever transport started them (the updater waits for 0). */
  get streaming(): number {
    return this.active;
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
    const attached = await withAttachments(
      { store: this.deps.attachments, provider, modelId, signal },
      request.messages,
    );
    const fitted = await this.fitWindow(
      provider,
      modelId,
      withSystemPrompt(attached.messages, systemPrompt),
      request.options ?? {},
      signal,
    );
    const tools = request.tools === 'auto' && this.deps.tools ? offerTools(this.deps.tools.host) : undefined;
    return {
      ...(tools ? { tools } : {}),
      requestId: this.newId(),
      provider,
      providerId: provider.config.id,
      modelId,
      ...fitted,
      systemPrompt,
      ...(attached.attachments.length > 0 ? { attachments: attached.attachments } : {}),
      acceptedAt,
    };
  }

  /**
   * The messages that fit the model's context window, and the `num_ctx` to send: the request's
   * (the conversation's), else for Ollama the model's context length capped at 32,768 — Ollama's
   * own default is far smaller and cuts the prompt silently. Unknown window: everything is sent.
   */
  private async fitWindow(
    provider: ChatProvider,
    modelId: string,
    messages: ProviderMessage[],
    options: ProviderOptions,
    signal?: AbortSignal,
  ): Promise<Pick<PreparedChat, 'messages' | 'options' | 'droppedMessages'>> {
    const ollama = provider.config.type === 'ollama';
    // A set num_ctx is all Ollama needs; other providers' windows are their model's length.
    const details: ModelDetails =
      options.numCtx !== undefined && ollama
        ? {}
        : await this.withinLookupTime(signal, (lookup) => modelDetailsOf(provider, modelId, lookup));
    const window = contextWindow({ ollama, numCtx: options.numCtx, contextLength: details.contextLength });
    if (window === undefined) return { messages, options };
    const fit = fitContext({
      messages,
      numCtx: window,
      maxTokens: options.maxTokens,
      tokensOf: providerMessageTokens,
    });
    return {
      messages: fit.messages,
      options: ollama && options.numCtx === undefined ? { ...options, numCtx: window } : options,
      ...(fit.droppedMessages > 0 ? { droppedMessages: fit.droppedMessages } : {}),
    };
  }

  /** `ask` with a signal that gives up after MODEL_LOOKUP_TIMEOUT_MS (a provider that never answers). */
  private async withinLookupTime<T>(
    signal: AbortSignal | undefined,
    ask: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException('The model list did not arrive in time.', 'TimeoutError')),
      MODEL_LOOKUP_TIMEOUT_MS,
    );
    try {
      return await ask(signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The gateway's pass-through mode: the client's messages verbatim (no provider system prompt, no
   * history), its own parameters. Unknown provider: PROVIDER_NOT_FOUND, before anything is sent.
   */
  preparePassThrough(request: PassThroughRequest): PreparedChat {
    const acceptedAt = this.now();
    const provider = this.deps.providers.resolve(request.providerId);
    return {
      requestId: this.newId(),
      provider,
      providerId: provider.config.id,
      modelId: request.modelId,
      messages: request.messages,
      options: request.options,
      systemPrompt: null,
      acceptedAt,
      passThrough: true,
      ...(request.tools?.length
        ? {
            clientTools: {
              tools: request.tools,
              ...(request.toolChoice === undefined ? {} : { choice: request.toolChoice }),
            },
          }
        : {}),
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
    this.active += 1;
    const truncated = (chat.droppedMessages ?? 0) > 0;
    try {
      if (truncated) yield { type: 'truncated', droppedMessages: chat.droppedMessages ?? 0 };
      let finishReason: string | undefined;
      for (let round = 0; ; round++) {
        yield* this.ask(run, stop.signal);
        if (stop.signal.aborted) break;
        const calls = run.takeToolCalls();
        if (calls.length === 0) break;
        // A call in a chat that offered no tools (a recorded stream, a confused model): nothing runs.
        if (!chat.tools || !this.deps.tools) {
          finishReason = 'tool_calls';
          break;
        }
        // A round is one model turn with calls; the turn after the last allowed round runs none.
        if (round >= this.deps.tools.settings().maxRounds) {
          finishReason = 'tool_rounds';
          break;
        }
        const results = yield* runToolRound({
          chatId: chat.chatId ?? chat.requestId,
          requestId: chat.requestId,
          providerId: chat.providerId,
          modelId: chat.modelId,
          offered: chat.tools,
          calls,
          text: run.roundText(),
          deps: this.deps.tools,
          log: this.deps.log,
          now: this.now,
          signal: stop.signal,
        });
        run.continueWith(results);
        if (stop.signal.aborted) break;
      }
      const done = run.finish(stop.signal.aborted ? 'stopped' : finishReason);
      yield truncated && done.type === 'done' ? { ...done, truncated: true } : done;
    } catch (error) {
      run.logFailure(toAppError(error));
      throw toAppError(error);
    } finally {
      this.active -= 1;
      signal.removeEventListener('abort', onAbort);
      // The consumer left early (break, closed socket): stop the provider and keep the partial answer.
      if (!run.ended) {
        stop.abort();
        run.logAborted();
      }
    }
  }

  /** One model turn: a provider request, tried once more when it fails before its first chunk. */
  private async *ask(run: ChatRun, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    for (let attempt = 1; ; attempt++) {
      // Stopped before the provider was asked (or while waiting to retry): ask nothing.
      if (signal.aborted) return;
      try {
        yield* run.attempt(signal);
        return;
      } catch (error) {
        const appError = toAppError(error);
        if (signal.aborted) return;
        if (
          run.started ||
          attempt > 1 ||
          !shouldRetry(appError, { loopback: run.loopback, reasoning: run.reasoning })
        )
          throw appError;
        run.logRetry(appError);
        await sleep(retryDelayMs(appError), signal);
      }
    }
  }

  /** prepare + stream, for callers that need no step in between. */
  async *answer(input: unknown, signal: AbortSignal): AsyncGenerator<ChatEvent> {
    yield* this.stream(await this.prepare(input, signal), signal);
  }

  private async firstModel(provider: ChatProvider, signal?: AbortSignal): Promise<string> {
    // A provider that never answers must not hold the request (and its caller) forever.
    const models: ModelInfo[] = await this.withinLookupTime(signal, (lookup) => provider.listModels(lookup));
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

function withSystemPrompt(messages: ProviderMessage[], systemPrompt: string | null): ProviderMessage[] {
  if (systemPrompt === null) return messages;
  const rest = messages[0]?.role === 'system' ? messages.slice(1) : messages;
  return [{ role: 'system', content: systemPrompt }, ...rest];
}

const blankToNull = (value: string | null | undefined): string | null => (value?.trim() ? value : null);

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
