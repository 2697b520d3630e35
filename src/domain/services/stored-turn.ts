import type { ChatDoneEvent, ChatErrorEvent, ToolCallEvent, ToolResultEvent } from '../chat.js';
import type { MessageStatus } from '../conversation.js';
import { type AppError, toAppError } from '../errors.js';
import type { ConversationStore, MessageUpdate } from '../ports/conversation-store.port.js';

/** The text so far is written at most this often while an answer streams (CONTRACT section 10). */
export const FLUSH_INTERVAL_MS = 1000;

export interface TurnTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: TurnTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface StoredTurnOptions {
  store: ConversationStore;
  conversationId: string;
  userMessageId: string | null;
  assistantMessageId: string;
  /** The user's message of this turn (null: a regenerated answer). */
  prompt?: string | null;
  /** The first-line title this turn gave its conversation (null: it had one already). */
  firstLineTitle?: string | null;
  timers: TurnTimers;
  /** A write failed (disk full…): the chat goes on, the caller shows and logs it. */
  onError(error: AppError): void;
  /** A write landed: other windows may refresh. */
  onWritten(conversationId: string): void;
}

/**
 * What one streaming answer writes: its text so far at most once a second, then its final status,
 * usage and stats. Writes run one at a time, in order; a failed write never stops the chat.
 */
export class StoredTurn {
  readonly conversationId: string;
  readonly userMessageId: string | null;
  readonly assistantMessageId: string;
  readonly prompt: string | null;
  readonly firstLineTitle: string | null;
  private content = '';
  private thinking = '';
  private written = { content: '', thinking: '', tools: 0 };
  /** The answer's tool calls, each with its result once it came (CONTRACT section 10: one turn, one message). */
  private toolCalls: Record<string, unknown>[] = [];
  /** Bumped on every change of `toolCalls`, so that a write knows whether it has news. */
  private toolChanges = 0;
  private lastWriteAt: number;
  private timer: unknown = null;
  private writes: Promise<void> = Promise.resolve();
  private ended = false;
  /** The last write that failed (disk full…), shown with the end of the answer. */
  writeError: AppError | null = null;

  constructor(private readonly options: StoredTurnOptions) {
    this.conversationId = options.conversationId;
    this.userMessageId = options.userMessageId;
    this.assistantMessageId = options.assistantMessageId;
    this.prompt = options.prompt ?? null;
    this.firstLineTitle = options.firstLineTitle ?? null;
    this.lastWriteAt = options.timers.now();
  }

  /** The answer's text so far. */
  get answer(): string {
    return this.content;
  }

  /** Text or thinking as it streams; written within a second. */
  append(event: { type: 'token' | 'thinking'; text: string }): void {
    if (this.ended) return;
    if (event.type === 'token') this.content += event.text;
    else this.thinking += event.text;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastWriteAt + FLUSH_INTERVAL_MS - this.options.timers.now());
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = null;
      this.enqueue(() => this.progress());
    }, wait);
  }

  /** A tool call or its result, kept with the answer; written within a second. */
  recordTool(event: ToolCallEvent | ToolResultEvent): void {
    if (this.ended) return;
    if (event.type === 'toolCall') {
      const { type: _, ...call } = event;
      this.toolCalls = [...this.toolCalls, call];
    } else {
      const { type: _, id, ...result } = event;
      this.toolCalls = this.toolCalls.map((call) => (call.id === id ? { ...call, result } : call));
    }
    this.toolChanges += 1;
    this.schedule();
  }

  /** The terminal event: the final text, status, usage and stats in one write. Resolves when stored. */
  finish(event: ChatDoneEvent | ChatErrorEvent): Promise<void> {
    const update: Omit<MessageUpdate, 'updatedAt'> =
      event.type === 'done'
        ? {
            status: (event.finishReason === 'stopped' ? 'stopped' : 'done') satisfies MessageStatus,
            usage: event.usage,
            stats: event.stats,
          }
        : { status: 'error', errorCode: event.errorCode };
    return this.end(update);
  }

  /** The chat ended with no terminal event (its consumer left): the text so far, as stopped. */
  stop(): Promise<void> {
    return this.end({ status: 'stopped' });
  }

  private end(update: Omit<MessageUpdate, 'updatedAt'>): Promise<void> {
    if (this.ended) return this.writes;
    this.ended = true;
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
    return this.enqueue(async () => {
      const failed = this.writeError;
      await this.write({
        ...update,
        content: this.content,
        thinking: this.thinking,
        ...this.toolUpdate(),
        updatedAt: this.stamp(),
      });
      // The full text did not fit (disk full…): the answer still gets a final status, so the
      // conversation is not left busy; what was stored before stays, marked as not whole.
      if (this.writeError !== failed && this.writeError !== null) {
        await this.write({ status: 'error', errorCode: this.writeError.code, updatedAt: this.stamp() });
      }
    });
  }

  private progress(): Promise<void> {
    if (this.ended) return Promise.resolve();
    if (
      this.content === this.written.content &&
      this.thinking === this.written.thinking &&
      this.toolChanges === this.written.tools
    ) {
      return Promise.resolve();
    }
    return this.write({
      content: this.content,
      thinking: this.thinking,
      ...this.toolUpdate(),
      updatedAt: this.stamp(),
    });
  }

  /** The tool calls, when there are any (an answer without calls never writes the column). */
  private toolUpdate(): Pick<MessageUpdate, 'toolCalls'> {
    return this.toolChanges === 0 ? {} : { toolCalls: this.toolCalls };
  }

  private async write(update: MessageUpdate): Promise<void> {
    const snapshot = { content: this.content, thinking: this.thinking, tools: this.toolChanges };
    this.lastWriteAt = this.options.timers.now();
    try {
      await this.options.store.updateMessage(this.assistantMessageId, update);
      this.written = snapshot;
      this.options.onWritten(this.conversationId);
    } catch (error) {
      this.writeError = toAppError(error);
      this.options.onError(this.writeError);
    }
  }

  private enqueue(write: () => Promise<void>): Promise<void> {
    this.writes = this.writes.then(write);
    return this.writes;
  }

  private stamp(): string {
    return new Date(this.options.timers.now()).toISOString();
  }
}
