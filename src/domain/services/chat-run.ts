import { CLEANUP_ABORT } from '../../shared/cleanup-abort.js';
import type { ChatEvent } from '../chat.js';
import { AppError } from '../errors.js';
import type { ChatLog } from '../ports/chat-log.port.js';
import type { ProviderChatRequest, ProviderChunk, ProviderMessage, ProviderToolCall } from '../provider.js';
import {
  DEFAULT_FIRST_TOKEN_TIMEOUT_S,
  DEFAULT_IDLE_TIMEOUT_S,
  isLoopbackUrl,
  providerHost,
  providerName,
  REASONING_FIRST_TOKEN_TIMEOUT_S,
} from '../settings.js';
import type { PreparedChat } from './chat-service.js';
import { Watchdog } from './watchdog.js';

/** The state of one chat while it streams: text so far, counts, timings and its log entries. */
export class ChatRun {
  answer = '';
  thinking = '';
  countedTokens = 0;
  firstChunkAt: number | null = null;
  ended = false;
  readonly loopback: boolean;
  /** The model reasons before it answers (asked of the provider at the first attempt). */
  reasoning = false;
  private usage: { promptTokens?: number; completionTokens?: number } = {};
  private finishReason = 'stop';
  /** What the next provider request sends: the chat's messages, then each tool round's turn and results. */
  private messages: ProviderMessage[];
  /** The calls of the model's current turn. */
  private calls: ProviderToolCall[] = [];
  /** Where the current turn's text starts in `answer`. */
  private roundStart = 0;

  constructor(
    private readonly chat: PreparedChat,
    private readonly log: ChatLog,
    private readonly now: () => number,
  ) {
    this.loopback = isLoopbackUrl(providerHost(chat.provider.config));
    this.messages = chat.messages;
  }

  /** The calls the model made in the turn that just ended (and forgets them). */
  takeToolCalls(): ProviderToolCall[] {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }

  /** The text of the model's current turn. */
  roundText(): string {
    return this.answer.slice(this.roundStart);
  }

  /** The next turn sends the model its calls and their results (usage adds up over the turns). */
  continueWith(messages: ProviderMessage[]): void {
    this.messages = [...this.messages, ...messages];
    this.roundStart = this.answer.length;
  }

  /** Pass-through chats (the gateway) write no entries of their own: their caller logs metadata only. */
  private append(entry: Parameters<ChatLog['append']>[0]): void {
    if (!this.chat.passThrough) this.log.append(entry);
  }

  get started(): boolean {
    return this.firstChunkAt !== null;
  }

  /** One provider request, with the first-token and idle timeouts. */
  async *attempt(outer: AbortSignal): AsyncGenerator<ChatEvent> {
    const config = this.chat.provider.config;
    let firstMs = (config.timeoutS ?? DEFAULT_FIRST_TOKEN_TIMEOUT_S[config.type]) * 1000;
    const idleMs = (config.idleTimeoutS ?? DEFAULT_IDLE_TIMEOUT_S) * 1000;
    const request = new AbortController();
    const onAbort = () => request.abort(outer.reason);
    outer.addEventListener('abort', onAbort, { once: true });
    // Armed before the provider is asked what the model is: that question may hang too.
    const watchdog = new Watchdog(
      () => (this.started ? idleMs : firstMs),
      this.now,
      () => request.abort(),
    );
    let done: Extract<ProviderChunk, { type: 'done' }> | null = null;
    try {
      this.reasoning = await this.isReasoningModel(request.signal);
      // A longer limit only: the watchdog re-arms lazily for what is left.
      if (this.reasoning && config.timeoutS === undefined) firstMs = REASONING_FIRST_TOKEN_TIMEOUT_S * 1000;
      const chunks = this.chat.provider.streamChat(
        {
          model: this.chat.modelId,
          messages: this.messages,
          options: this.chat.options,
          ...this.offeredTools(),
        },
        request.signal,
      );
      for await (const chunk of chunks) {
        watchdog.feed();
        if (chunk.type === 'done') {
          done = chunk;
          break;
        }
        if (chunk.type === 'signature') {
          this.chat.onSignature?.(chunk.signature);
          continue;
        }
        if (chunk.type === 'tool_call') {
          if (this.firstChunkAt === null) {
            this.firstChunkAt = this.now();
            watchdog.restart();
          }
          this.calls.push(chunk.call);
          // Pass-through: the client runs its own tools, so each call goes to it as it comes.
          if (this.chat.passThrough) yield clientToolCall(chunk.call);
          continue;
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
      request.abort(CLEANUP_ABORT);
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
    // A tool round's turns add up: the last prompt holds all before it; completions are summed.
    const turn = done.usage ?? {};
    const completion =
      turn.completionTokens === undefined
        ? this.usage.completionTokens
        : (this.usage.completionTokens ?? 0) + turn.completionTokens;
    const prompt = turn.promptTokens ?? this.usage.promptTokens;
    this.usage = {
      ...(prompt === undefined ? {} : { promptTokens: prompt }),
      ...(completion === undefined ? {} : { completionTokens: completion }),
    };
  }

  /** The tools the provider is offered: LightChat's MCP tools, or a gateway client's own. */
  private offeredTools(): Pick<ProviderChatRequest, 'tools' | 'toolChoice'> {
    if (this.chat.tools) return { tools: this.chat.tools.tools };
    const client = this.chat.clientTools;
    if (!client) return {};
    return { tools: client.tools, ...(client.choice === undefined ? {} : { toolChoice: client.choice }) };
  }

  private async isReasoningModel(signal: AbortSignal): Promise<boolean> {
    const provider = this.chat.provider;
    if (!provider.isReasoningModel) return false;
    try {
      return await provider.isReasoningModel(this.chat.modelId, signal);
    } catch {
      return false; // the port promises not to throw; a provider that can't tell says no
    }
  }

  finish(finishReason?: string): ChatEvent {
    this.ended = true;
    const stats = this.stats();
    const reason = finishReason ?? this.finishReason;
    const usage = {
      promptTokens: this.usage.promptTokens ?? null,
      completionTokens: this.usage.completionTokens ?? this.countedTokens,
    };
    this.append({
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
    const files = this.chat.attachments ?? [];
    this.append({
      role: 'user',
      content: lastUser?.ownText ?? lastUser?.content ?? '',
      providerId: this.chat.providerId,
      modelId: this.chat.modelId,
      details: {
        request_id: this.chat.requestId,
        system_prompt: this.chat.systemPrompt,
        message_count: this.chat.messages.length,
        // The files by name only: their text would push the user's own chats out of the log.
        ...(files.length > 0
          ? { attachments: files.map(({ name, mimeType, size }) => ({ name, mime_type: mimeType, size })) }
          : {}),
      },
    });
  }

  logRetry(error: AppError): void {
    this.append({
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
    this.append({
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
          this.reasoning
            ? `The model may still be reasoning; raise timeout_s for provider "${config.id}" if it needs longer.`
            : config.type === 'ollama'
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

/** A call the client's own tool should answer: nothing here asks for approval or runs it. */
const clientToolCall = (call: ProviderToolCall): ChatEvent => ({
  type: 'toolCall',
  id: call.id,
  server: '',
  name: call.name,
  arguments: call.arguments,
  ...(call.invalidArguments === undefined ? {} : { invalidArguments: call.invalidArguments }),
  needsApproval: false,
});

const round = (ms: number): number => Math.round(ms * 10) / 10;
