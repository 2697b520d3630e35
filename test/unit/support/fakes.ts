import { AppError } from '../../../src/domain/errors.js';
import type { LogEntry, NewLogEntry } from '../../../src/domain/log-entry.js';
import type { ChatLog, ChatLogSettings } from '../../../src/domain/ports/chat-log.port.js';
import type {
  ChatProvider,
  ModelInfo,
  ProviderChatRequest,
  ProviderChunk,
  ProviderToolCall,
} from '../../../src/domain/provider.js';
import type { ProviderConfig } from '../../../src/domain/settings.js';

/** What one provider request does: fail at once, or stream tokens and then cut, stall or finish. */
export interface FakeAttempt {
  tokens?: string[];
  thinking?: string[];
  /** The provider's signature of the thinking, sent after it. */
  signature?: string;
  /** Thrown before the first chunk (or after `failAfter` tokens). */
  fail?: AppError;
  failAfter?: number;
  /** After the tokens, send nothing until aborted. */
  stall?: boolean;
  /** End without a done chunk (a cut stream). */
  noDone?: boolean;
  usage?: { promptTokens?: number; completionTokens?: number };
  /** Tool calls sent after the tokens, before `done`. */
  toolCalls?: ProviderToolCall[];
}

export interface FakeProvider extends ChatProvider {
  requests: ProviderChatRequest[];
  /** The signal each request was given. */
  signals: AbortSignal[];
  aborted: number;
}

export function fakeProvider(
  options: {
    config?: Partial<ProviderConfig>;
    attempts?: FakeAttempt[];
    models?: ModelInfo[];
    /** What `isReasoningModel` says (absent: the provider can't tell, like a port without it). */
    reasoning?: boolean;
  } = {},
): FakeProvider {
  const attempts = options.attempts ?? [{ tokens: ['Hel', 'lo'] }];
  const provider: FakeProvider = {
    config: options.config?.id
      ? {
          defaultModel: null,
          systemPrompt: null,
          name: null,
          type: 'ollama',
          ...options.config,
          id: options.config.id,
        }
      : {
          id: 'fake',
          name: 'Fake',
          type: 'ollama',
          host: 'http://example.test',
          defaultModel: null,
          systemPrompt: null,
          ...options.config,
        },
    requests: [],
    signals: [],
    aborted: 0,
    async listModels() {
      return options.models ?? [{ id: 'm1', name: 'm1' }];
    },
    ...(options.reasoning === undefined ? {} : { isReasoningModel: async () => options.reasoning === true }),
    streamChat(request, signal) {
      const attempt = attempts[Math.min(provider.requests.length, attempts.length - 1)] ?? {};
      provider.requests.push(request);
      provider.signals.push(signal);
      signal.addEventListener('abort', () => provider.aborted++, { once: true });
      return run(attempt, signal);
    },
  };
  return provider;
}

async function* run(attempt: FakeAttempt, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
  await Promise.resolve();
  if (attempt.fail && attempt.failAfter === undefined) throw attempt.fail;
  for (const text of attempt.thinking ?? []) yield { type: 'thinking', text };
  if (attempt.signature) yield { type: 'signature', signature: attempt.signature };
  let sent = 0;
  for (const text of attempt.tokens ?? []) {
    if (signal.aborted) return;
    if (attempt.fail && sent === attempt.failAfter) throw attempt.fail;
    yield { type: 'token', text };
    sent++;
    await Promise.resolve();
  }
  if (attempt.fail && sent === attempt.failAfter) throw attempt.fail;
  if (attempt.stall) {
    if (!signal.aborted) {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    }
    throw new AppError('PROVIDER_UNREACHABLE', 'aborted', { failure: 'connection' });
  }
  for (const call of attempt.toolCalls ?? []) yield { type: 'tool_call', call };
  if (!attempt.noDone)
    yield { type: 'done', finishReason: 'stop', ...(attempt.usage ? { usage: attempt.usage } : {}) };
}

export class MemoryChatLog implements ChatLog {
  entries: LogEntry[] = [];
  append(entry: NewLogEntry): void {
    this.entries.push({ ts: new Date().toISOString(), ...entry });
  }
  async recent(limit: number) {
    return this.entries.slice(-limit);
  }
  async *tail(): AsyncIterable<LogEntry> {}
  state() {
    return { enabled: true, writeError: null, dir: '/tmp' };
  }
  configure(_settings: ChatLogSettings): void {}
  async flush() {}
  async close() {}
}

export const errors = {
  refused: () => new AppError('PROVIDER_UNREACHABLE', 'refused', { failure: 'connection' }),
  server: () => new AppError('PROVIDER_ERROR', '500', { failure: 'server' }),
  rateLimited: (retryAfterS?: number) =>
    new AppError('PROVIDER_RATE_LIMITED', '429', {
      failure: 'rate_limit',
      ...(retryAfterS === undefined ? {} : { retryAfterS }),
    }),
  quota: () => new AppError('PROVIDER_RATE_LIMITED', 'quota', { failure: 'quota' }),
  unauthorized: () => new AppError('PROVIDER_UNAUTHORIZED', '401', { failure: 'client' }),
  modelMissing: () => new AppError('MODEL_NOT_FOUND', '404', { failure: 'client' }),
  timeout: () => new AppError('PROVIDER_TIMEOUT', 'timeout', { failure: 'timeout' }),
};
