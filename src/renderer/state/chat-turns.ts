import type { ChatEvent, ChatMessage } from '../../domain/chat';
import type { Think } from '../../domain/think';
import { toUiError } from '../errors/error-message';
import {
  type AttachedFile,
  type Conversation,
  type ConversationAction,
  conversationReducer,
  historyBefore,
  isInFlight,
} from './conversation';
import type { Store } from './store';
import { type FrameScheduler, pacedFrames, StreamBuffer } from './stream-buffer';
import { reportStreamPace, STREAM_RENDER_INTERVAL_MS } from './stream-pace';

/**
 * What `chat.start` takes: the history (`messages`, a chat that stores nothing), or a place in a
 * stored conversation (CONTRACT section 10: `conversationId`, then `prompt` with `after` or `editOf`,
 * or `regenerateOf` alone).
 */
export interface ChatStartInput {
  messages?: ChatMessage[];
  conversationId?: string;
  temporary?: boolean;
  prompt?: string;
  attachmentIds?: string[];
  after?: string;
  editOf?: string;
  regenerateOf?: string;
  providerId?: string;
  modelId?: string;
  systemPrompt?: string | null;
  options?: { think?: Think };
  /** The conversation's Tools switch (CONTRACT section 11): `auto` offers the MCP servers' tools. */
  tools?: 'auto' | 'none';
}

/** The two API calls a chat needs (CONTRACT section 5): `chat.start`, then `chat.events`. */
export interface ChatApi {
  start(input: ChatStartInput): Promise<{ chatId: string; providerId: string; modelId: string }>;
  /**
   * Unsubscribing stops a chat that stores nothing; a stored chat goes on (a reload re-attaches to
   * it, from the event after `after`).
   */
  events(
    chatId: string,
    handlers: {
      onData: (event: ChatEvent) => void;
      onError: (error: unknown) => void;
      onComplete: () => void;
    },
    options?: { after?: number },
  ): { unsubscribe: () => void };
  /** `chat.stop`: ends a chat whoever follows it. */
  stop?(chatId: string): Promise<unknown>;
}

/** A stored chat this window follows: enough to follow it again after a reload. */
export interface RunningChat {
  chatId: string;
  conversationId: string;
  answerId: string;
}

/**
 * Where the turns go: a stored conversation (`id` null until the first send creates it; `temporary`
 * ones live in the server's memory only), or null for a chat that sends its history and stores nothing.
 */
export interface TurnPlace {
  conversationId: string | null;
  temporary: boolean;
}

/** What the next request is sent with, read when it is sent. */
export interface ChatChoice {
  providerId: string | null;
  modelId: string | null;
  systemPrompt: string;
  /** `options.think`, when the model thinks (off is `false`, never left out). */
  think?: Think | undefined;
  /** The Tools switch; absent: on. */
  tools?: boolean;
}

interface ActiveChat {
  /** The answer's id in the store (the server's id once the turn is stored). */
  answerId: string;
  /** The user message sent with it (null for a new version of an answer). */
  userId: string | null;
  /** Set by the chat's `start` event: the conversation the server stored the turn in. */
  conversationId: string | null;
  chatId: string | null;
  /** Following a running chat again from its first event: its text so far is replaced by theirs. */
  replaying: boolean;
  buffer: StreamBuffer;
  unsubscribe: (() => void) | null;
  /**
   * Set once `requestStop` asked the server to stop it (its last events and `done` are on their
   * way): ends it here if they never come.
   */
  stopTimer: ReturnType<typeof setTimeout> | null;
}

/**
 * How long Stop waits for the server's last events (a round trip on this machine, milliseconds)
 * before it ends the answer here anyway: a server that went away must not keep the Stop button.
 */
export const STOP_GRACE_MS = 1_500;

let counter = 0;
/** Ids of messages the server has not stored (yet): never sent as `after`, `editOf` or `regenerateOf`. */
const LOCAL = 'local-';
const newId = (): string =>
  LOCAL +
  (typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${++counter}`);
export const isStoredId = (id: string): boolean => !id.startsWith(LOCAL);

/** `chat.start` of a server that knows no stored chats refuses their fields as unknown keys. */
const refusesStoredChats = (error: unknown): boolean => {
  const refused = toUiError(error);
  const said = `${refused.message} ${JSON.stringify(refused.details)}`;
  return refused.code === 'VALIDATION_ERROR' && /unknown key[^"]*"conversationId"|conversationId/i.test(said);
};

/** Where one turn goes in a stored conversation. */
type TurnTarget =
  | { kind: 'send'; prompt: string; attachmentIds?: string[] }
  | { kind: 'edit'; prompt: string; userId: string; attachmentIds?: string[] }
  | { kind: 'regenerate'; answerId: string };

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
      /** Where turns go; absent or null: send the history, store nothing. */
      place?: () => TurnPlace | null;
      /** The server stored a turn (its `start` event). */
      onStored?: (conversationId: string) => void;
      /** A stored turn ended (done, error, stopped): the server's copy may now say more (versions). */
      onStoredTurnEnd?: (conversationId: string) => void;
      /** The server refused a chat in a conversation (it predates them): turns store nothing from now. */
      onStoredChatsRefused?: () => void;
      /** The stored chat this window follows, or null when none (kept for a reload). */
      onRunning?: (chat: RunningChat | null) => void;
    },
  ) {}

  get busy(): boolean {
    return this.active !== null;
  }

  /** A question, with the files uploaded for it (a question may be files alone). */
  send(content: string, attachments: AttachedFile[] = []): void {
    const text = content.trim();
    if ((text === '' && attachments.length === 0) || this.busy) return;
    const answerId = newId();
    const userId = newId();
    this.dispatch({ type: 'ask', userId, content: text, answerId, attachments });
    const attachmentIds = attachments.map((file) => file.id);
    this.streamAnswer(answerId, userId, {
      kind: 'send',
      prompt: text,
      ...(attachmentIds.length ? { attachmentIds } : {}),
    });
  }

  /** Regenerate and Retry: ask again with the same history. */
  reask(answerId: string): void {
    if (this.busy) return;
    const before = this.options.store.get();
    const newAnswerId = newId();
    this.dispatch({ type: 'reask', answerId, newAnswerId });
    if (isStoredId(answerId)) {
      this.streamAnswer(newAnswerId, null, { kind: 'regenerate', answerId });
      return;
    }
    // An answer the server never stored (its chat failed to start): send its question again, as a
    // new version of it when the question itself is stored.
    const question = before.byId[before.order[before.order.indexOf(answerId) - 1] ?? ''];
    const userId = question?.role === 'user' ? question.id : null;
    const prompt = question?.content ?? '';
    const ids = question?.role === 'user' ? (question.attachments ?? []).map((file) => file.id) : [];
    const attachmentIds = ids.length ? { attachmentIds: ids } : {};
    this.streamAnswer(
      newAnswerId,
      userId,
      userId !== null && isStoredId(userId)
        ? { kind: 'edit', prompt, userId, ...attachmentIds }
        : { kind: 'send', prompt, ...attachmentIds },
    );
  }

  /** Edit a user message and send it again: the conversation forks there. */
  edit(userId: string, content: string): void {
    const text = content.trim();
    const before = this.options.store.get().byId[userId];
    // The new version keeps the files of the one it replaces.
    const attachments = before?.role === 'user' ? (before.attachments ?? []) : [];
    if (text === '' && attachments.length === 0) return;
    this.stop();
    const answerId = newId();
    const newUserId = newId();
    this.dispatch({ type: 'edit', userId, content: text, newUserId, answerId, attachments });
    const ids = attachments.map((file) => file.id);
    const attachmentIds = ids.length ? { attachmentIds: ids } : {};
    this.streamAnswer(
      answerId,
      newUserId,
      isStoredId(userId)
        ? { kind: 'edit', prompt: text, userId, ...attachmentIds }
        : { kind: 'send', prompt: text, ...attachmentIds },
    );
  }

  /**
   * The user's Stop: the server stops the chat and sends the tokens it relayed before the stop, then
   * its `done` (finish reason `stopped`). The answer ends with them, so what the window shows (and
   * Copy gives) is the text the server stored, not a few tokens short of it. A second Stop, a failed
   * `chat.stop` or no end within `STOP_GRACE_MS` ends it here at once, as `stop` does.
   */
  requestStop(): void {
    const active = this.active;
    const { stop } = this.options.api;
    if (active === null) return;
    if (active.stopTimer !== null || active.chatId === null || active.unsubscribe === null || !stop) {
      this.stop();
      return;
    }
    const giveUp = () => {
      if (this.active === active) this.stop();
    };
    active.stopTimer = setTimeout(giveUp, STOP_GRACE_MS);
    // A stopped chat that had already ended answers `stopped: false`: its end has been sent, or the
    // subscription is gone; either way the grace period ends it.
    stop(active.chatId).catch(giveUp);
  }

  /** Stops the answer in flight at once; its partial text stays, marked stopped. */
  stop(): void {
    const active = this.active;
    if (active === null) return;
    this.active = null;
    active.buffer.flushNow();
    active.buffer.close();
    active.unsubscribe?.();
    // A stored chat outlives its subscriber: it is stopped by name.
    if (active.chatId !== null) this.options.api.stop?.(active.chatId).catch(() => {});
    this.dispatch({ type: 'stop', answerId: active.answerId });
    this.ended(active);
  }

  /**
   * Stops following the answer in flight without stopping it (another conversation is opened): a
   * stored chat goes on on the server, a chat that stores nothing ends with its subscription.
   */
  detach(): void {
    const active = this.active;
    if (active === null || active.conversationId === null) {
      this.stop();
      return;
    }
    this.active = null;
    if (active.stopTimer !== null) clearTimeout(active.stopTimer);
    active.buffer.close();
    active.unsubscribe?.();
    reportStreamPace(STREAM_RENDER_INTERVAL_MS);
    this.options.onRunning?.(null);
  }

  /** After a reload: follows a stored chat that is still running, from its first event. */
  reattach(chat: RunningChat): void {
    if (this.busy) return;
    const active = this.newActive(chat.answerId, null);
    active.conversationId = chat.conversationId;
    active.chatId = chat.chatId;
    active.replaying = true;
    this.follow(active, chat.chatId, 0);
  }

  clear(): void {
    this.stop();
    this.dispatch({ type: 'clear' });
  }

  private dispatch(action: ConversationAction): void {
    const { store } = this.options;
    store.set(conversationReducer(store.get(), action));
  }

  /** What `chat.start` is sent: the history before the answer, or where the turn goes. */
  private request(answerId: string, target: TurnTarget): ChatStartInput {
    const { store, choice, place } = this.options;
    const { providerId, modelId, systemPrompt, think, tools } = choice();
    const chosen = {
      ...(providerId ? { providerId } : {}),
      ...(modelId ? { modelId } : {}),
      ...(systemPrompt.trim() ? { systemPrompt } : {}),
      ...(think === undefined ? {} : { options: { think } }),
      tools: tools === false ? ('none' as const) : ('auto' as const),
    };
    const where = place?.() ?? null;
    if (where === null) return { messages: historyBefore(store.get(), answerId), ...chosen };
    const conversation = where.conversationId ?? 'new';
    const head = {
      conversationId: conversation,
      ...(where.conversationId === null && where.temporary ? { temporary: true } : {}),
    };
    if (target.kind === 'regenerate') return { ...head, regenerateOf: target.answerId, ...chosen };
    const files = target.attachmentIds ? { attachmentIds: target.attachmentIds } : {};
    if (target.kind === 'edit') {
      return { ...head, prompt: target.prompt, editOf: target.userId, ...files, ...chosen };
    }
    // Continue after the last stored message shown (CONTRACT section 10: the UI says where a send goes).
    const state = store.get();
    const index = state.order.indexOf(answerId);
    const shown = index < 0 ? state.order : state.order.slice(0, index);
    const after = shown.findLast(isStoredId);
    return {
      ...head,
      prompt: target.prompt,
      ...files,
      ...(after !== undefined && where.conversationId !== null ? { after } : {}),
      ...chosen,
    };
  }

  private newActive(answerId: string, userId: string | null): ActiveChat {
    const { schedule = pacedFrames(STREAM_RENDER_INTERVAL_MS, undefined, reportStreamPace) } = this.options;
    const buffer = new StreamBuffer((batch) => {
      // The answer's id changes when the server stores it: read it when the batch lands.
      this.dispatch({ type: 'stream', answerId: active.answerId, batch });
      if (batch.end !== null) this.finish(active.answerId);
    }, schedule);
    const active: ActiveChat = {
      answerId,
      userId,
      conversationId: null,
      chatId: null,
      replaying: false,
      buffer,
      unsubscribe: null,
      stopTimer: null,
    };
    this.active = active;
    return active;
  }

  private streamAnswer(answerId: string, userId: string | null, target: TurnTarget): void {
    const active = this.newActive(answerId, userId);
    this.options.api.start(this.request(answerId, target)).then(
      (started) => {
        if (this.active !== active) {
          // Stopped while starting: a stored chat runs without a subscriber, so it is stopped by name.
          this.options.api.stop?.(started.chatId).catch(() => {});
          return;
        }
        active.chatId = started.chatId;
        this.dispatch({
          type: 'started',
          answerId: active.answerId,
          providerId: started.providerId,
          modelId: started.modelId,
        });
        this.follow(active, started.chatId);
      },
      (error: unknown) => {
        if (this.active !== active) return;
        const input = this.request(answerId, target);
        if (
          input.conversationId !== undefined &&
          refusesStoredChats(error) &&
          this.options.onStoredChatsRefused
        ) {
          // A server from before stored chats over tRPC: this window sends the history instead.
          this.active = null;
          active.buffer.close();
          this.options.onStoredChatsRefused();
          this.streamAnswer(answerId, userId, target);
          return;
        }
        this.finish(active.answerId);
        this.dispatch({ type: 'fail', answerId: active.answerId, error: toUiError(error) });
      },
    );
  }

  /** Streams a chat's events into its answer. */
  private follow(active: ActiveChat, chatId: string, after?: number): void {
    const { buffer } = active;
    const subscription = this.options.api.events(
      chatId,
      {
        onData: (event) => {
          if (active.replaying) {
            active.replaying = false;
            this.dispatch({ type: 'replay', answerId: active.answerId });
          }
          if (event.type === 'start') this.stored(active, event);
          else if (event.type === 'truncated') {
            this.dispatch({
              type: 'truncated',
              answerId: active.answerId,
              droppedMessages: event.droppedMessages,
            });
          } else if (event.type === 'toolCall' || event.type === 'toolResult') {
            // The text before the call lands first, so the card follows what the model said.
            buffer.flushNow();
            this.dispatch({ type: 'tool', answerId: active.answerId, event });
          } else if (
            event.type === 'token' ||
            event.type === 'thinking' ||
            event.type === 'done' ||
            event.type === 'error'
          ) {
            buffer.push(event);
          }
          // Other event types are not shown: ignored, as clients must.
        },
        onError: (error) => {
          // A chat that ended before the window came back: the stored answer is what there is.
          if (after !== undefined && this.active === active) {
            this.detach();
            this.ended(active);
            return;
          }
          buffer.fail(toUiError(error));
        },
        onComplete: () => {
          buffer.flushNow();
          // A stream that ends without `done` or `error` still ends the answer.
          if (this.active === active) this.stop();
        },
      },
      after === undefined ? undefined : { after },
    );
    active.unsubscribe = () => subscription.unsubscribe();
  }

  /** The server stored the turn: the messages take its ids, and the window learns the conversation. */
  private stored(active: ActiveChat, event: Extract<ChatEvent, { type: 'start' }>): void {
    if (event.conversationId === undefined) return;
    active.conversationId = event.conversationId;
    const ids: Record<string, string> = {};
    if (event.assistantMessageId) ids[active.answerId] = event.assistantMessageId;
    if (active.userId !== null && event.userMessageId) ids[active.userId] = event.userMessageId;
    this.dispatch({ type: 'stored', ids });
    active.answerId = ids[active.answerId] ?? active.answerId;
    this.options.onStored?.(event.conversationId);
    if (active.chatId !== null) {
      this.options.onRunning?.({
        chatId: active.chatId,
        conversationId: event.conversationId,
        answerId: active.answerId,
      });
    }
  }

  private ended(active: ActiveChat): void {
    if (active.stopTimer !== null) clearTimeout(active.stopTimer);
    // The next messages of the page's other subscriptions need not wait for a stream's pace.
    reportStreamPace(STREAM_RENDER_INTERVAL_MS);
    if (active.conversationId === null) return;
    this.options.onRunning?.(null);
    this.options.onStoredTurnEnd?.(active.conversationId);
  }

  private finish(answerId: string): void {
    const active = this.active;
    if (active?.answerId !== answerId) return;
    active.unsubscribe?.();
    this.active = null;
    this.ended(active);
  }
}

/** True while the last answer is still streaming (a stable boolean for selectors). */
export const isStreaming = (state: Conversation): boolean => isInFlight(state.byId[state.order.at(-1) ?? '']);
