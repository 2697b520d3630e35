import type { ChatEvent, ChatMessage } from '../../domain/chat';
import { toUiError } from '../errors/error-message';
import {
  type Conversation,
  type ConversationAction,
  conversationReducer,
  historyBefore,
  isInFlight,
} from './conversation';
import type { Store } from './store';
import { type FrameScheduler, pacedFrames, StreamBuffer } from './stream-buffer';

/** The shortest time between two renders of a streaming answer (see `pacedFrames`). */
export const STREAM_RENDER_INTERVAL_MS = 50;

/** The two API calls a chat needs (CONTRACT section 5): `chat.start`, then `chat.events`. */
export interface ChatApi {
  start(input: {
    messages: ChatMessage[];
    providerId?: string;
    modelId?: string;
    systemPrompt?: string | null;
  }): Promise<{ chatId: string; providerId: string; modelId: string }>;
  /** Unsubscribing stops the chat and aborts the provider request. */
  events(
    chatId: string,
    handlers: {
      onData: (event: ChatEvent) => void;
      onError: (error: unknown) => void;
      onComplete: () => void;
    },
  ): { unsubscribe: () => void };
}

/** What the next request is sent with, read when it is sent. */
export interface ChatChoice {
  providerId: string | null;
  modelId: string | null;
  systemPrompt: string;
}

interface ActiveChat {
  answerId: string;
  buffer: StreamBuffer;
  unsubscribe: (() => void) | null;
}

let counter = 0;
const newId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `m${Date.now()}-${++counter}`;

/**
 * The turns of one conversation (a user message and its answer): one at a time, each answer streamed
 * into the store through a per-frame buffer. UI components call these methods; none of them holds
 * chat state of its own. (The server's ChatRegistry is another thing: the chats of every client.)
 */
export class ChatTurns {
  private active: ActiveChat | null = null;

  constructor(
    private readonly options: {
      store: Store<Conversation>;
      api: ChatApi;
      choice: () => ChatChoice;
      schedule?: FrameScheduler;
    },
  ) {}

  get busy(): boolean {
    return this.active !== null;
  }

  send(content: string): void {
    const text = content.trim();
    if (text === '' || this.busy) return;
    const answerId = newId();
    this.dispatch({ type: 'ask', userId: newId(), content: text, answerId });
    this.streamAnswer(answerId);
  }

  /** Regenerate and Retry: ask again with the same history. */
  reask(answerId: string): void {
    if (this.busy) return;
    const newAnswerId = newId();
    this.dispatch({ type: 'reask', answerId, newAnswerId });
    this.streamAnswer(newAnswerId);
  }

  /** Edit a user message and send it again: the conversation forks there. */
  edit(userId: string, content: string): void {
    const text = content.trim();
    if (text === '') return;
    this.stop();
    const answerId = newId();
    this.dispatch({ type: 'edit', userId, content: text, newUserId: newId(), answerId });
    this.streamAnswer(answerId);
  }

  /** Stops the answer in flight; its partial text stays, marked stopped. */
  stop(): void {
    const active = this.active;
    if (active === null) return;
    this.active = null;
    active.buffer.flushNow();
    active.buffer.close();
    active.unsubscribe?.();
    this.dispatch({ type: 'stop', answerId: active.answerId });
  }

  clear(): void {
    this.stop();
    this.dispatch({ type: 'clear' });
  }

  private dispatch(action: ConversationAction): void {
    const { store } = this.options;
    store.set(conversationReducer(store.get(), action));
  }

  private streamAnswer(answerId: string): void {
    const { api, store, choice, schedule = pacedFrames(STREAM_RENDER_INTERVAL_MS) } = this.options;
    const buffer = new StreamBuffer((batch) => {
      this.dispatch({ type: 'stream', answerId, batch });
      if (batch.end !== null) this.finish(answerId);
    }, schedule);
    const active: ActiveChat = { answerId, buffer, unsubscribe: null };
    this.active = active;
    const { providerId, modelId, systemPrompt } = choice();
    api
      .start({
        messages: historyBefore(store.get(), answerId),
        ...(providerId ? { providerId } : {}),
        ...(modelId ? { modelId } : {}),
        ...(systemPrompt.trim() ? { systemPrompt } : {}),
      })
      .then(
        (started) => {
          if (this.active !== active) return; // stopped while starting: nobody subscribes, the server drops it
          this.dispatch({
            type: 'started',
            answerId,
            providerId: started.providerId,
            modelId: started.modelId,
          });
          const subscription = api.events(started.chatId, {
            onData: (event) => buffer.push(event),
            onError: (error) => buffer.fail(toUiError(error)),
            onComplete: () => {
              buffer.flushNow();
              // A stream that ends without `done` or `error` still ends the answer.
              if (this.active === active) this.stop();
            },
          });
          active.unsubscribe = () => subscription.unsubscribe();
        },
        (error: unknown) => {
          if (this.active !== active) return;
          this.finish(answerId);
          this.dispatch({ type: 'fail', answerId, error: toUiError(error) });
        },
      );
  }

  private finish(answerId: string): void {
    if (this.active?.answerId !== answerId) return;
    this.active.unsubscribe?.();
    this.active = null;
  }
}

/** True while the last answer is still streaming (a stable boolean for selectors). */
export const isStreaming = (state: Conversation): boolean => isInFlight(state.byId[state.order.at(-1) ?? '']);
