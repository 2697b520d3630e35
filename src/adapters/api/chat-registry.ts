import type { ChatEvent } from '../../domain/chat.js';
import { AppError } from '../../domain/errors.js';
import type { ChatService, PreparedChat } from '../../domain/services/chat-service.js';
import type { ConversationService } from '../../domain/services/conversation-service.js';
import { type OpenedChat, openChat, startEvent, turnRecorder } from '../../domain/services/stored-chat.js';
import type { StoredTurn } from '../../domain/services/stored-turn.js';
import { AsyncQueue } from '../../shared/async-queue.js';
import { isTerminal, relayChat, shuttingDownError, shuttingDownEvent } from './chat-relay.js';
import { TokenJoiner, TRPC_JOIN_WINDOW_MS } from './token-joiner.js';

/** A started chat nobody subscribes to within this time is dropped (CONTRACT section 5). */
export const CHAT_IDLE_MS = 10_000;
/** A stored chat keeps running this long after its last subscriber left, and can be re-attached (section 10). */
export const STORED_CHAT_LINGER_MS = 60_000;

/**
 * An event of a chat with its sequence number: 1 is `start`, then one per event the chat produced.
 * A subscriber that comes back asks for the events `after` the last number it handled; an event that
 * joins several texts carries the number of the last one.
 */
export type SequencedChatEvent = ChatEvent & { seq: number };

/** Where a chat's events go: a transport's TokenJoiner (it joins and paces them). */
export interface ChatSink {
  push(event: SequencedChatEvent): void;
  /** The chat ended without a terminal event (stopped before it began). */
  end?(): void;
}

export interface ChatRegistryOptions {
  chat: Pick<ChatService, 'prepare' | 'stream'>;
  /** Stored chats (`conversationId`); without it every chat is stateless. */
  conversations?: ConversationService;
  /** A history write failed (disk full…): the chat goes on; the host logs and shows it. */
  onHistoryError?: (error: AppError) => void;
  /** A stored chat's turn was written (a pending auto title of that conversation is cancelled). */
  onStoredChatStart?: (turn: StoredTurn) => void;
  /** A stored chat's answer ended (auto titles start here). */
  onStoredChatEnd?: (turn: StoredTurn, end: ChatEvent, prepared: PreparedChat) => void;
  /** Aborted when the core shuts down: streaming chats end with a `SERVER_SHUTTING_DOWN` error event. */
  closing?: AbortSignal;
  idleMs?: number;
  lingerMs?: number;
}

export interface StartedChat {
  chatId: string;
  providerId: string;
  modelId: string;
  conversationId?: string;
  userMessageId?: string | null;
  assistantMessageId?: string;
}

export interface StartOptions {
  /** The host that started the chat shuts down (its HTTP server): the chat ends with SERVER_SHUTTING_DOWN. */
  closing?: AbortSignal;
}

export interface EventsOptions {
  /** Re-attach: only the events whose `seq` is greater (stored chats). Default 0: every event. */
  after?: number;
}

interface Entry {
  id: string;
  opened: OpenedChat;
  stop: AbortController;
  closing: AbortSignal;
  log: SequencedChatEvent[];
  sinks: Set<ChatSink>;
  state: 'started' | 'running' | 'ended';
  /** A stateless chat has exactly one subscriber. */
  claimed: boolean;
  /** The idle timer (never subscribed), the linger timer (no subscriber), or the expiry of an ended chat. */
  timer: ReturnType<typeof setTimeout> | undefined;
  run: Promise<void> | null;
  /** A stateless chat's stream, asked for its first event at `start`, until its subscriber comes. */
  asked?: AskedAhead<ChatEvent>;
  /** An ended stored chat's answer kept as one text event (see `keepLight`), with where each token ended. */
  textRun?: { event: SequencedChatEvent & { type: 'token' }; firstSeq: number; ends: number[] };
}

/**
 * Every running chat of this process, whichever transport started it (REST, tRPC over HTTP, WebSocket
 * or IPC): one registry, built in the composition root, so chat ids are global. `start` prepares a
 * chat under a random id (errors are thrown here, before any stream; a stored chat's turn is written
 * and it starts at once; a stateless chat's provider is asked right after, its events wait for the
 * subscriber); a subscriber attaches to its events. A stateless chat runs for exactly one
 * subscriber and stops when it leaves; a stored chat keeps running for 60 s without one and can be
 * re-attached from any transport with `after`.
 */
export class ChatRegistry {
  private readonly chats = new Map<string, Entry>();
  private readonly idleMs: number;
  private readonly lingerMs: number;

  constructor(private readonly options: ChatRegistryOptions) {
    this.idleMs = options.idleMs ?? CHAT_IDLE_MS;
    this.lingerMs = options.lingerMs ?? STORED_CHAT_LINGER_MS;
  }

  /** Chats started and not yet ended (ended stored chats kept for a re-attach are not counted). */
  get size(): number {
    let live = 0;
    for (const entry of this.chats.values()) if (entry.state !== 'ended') live++;
    return live;
  }

  /** `signal`: the caller gave up (the model lookup of a chat that names no model stops with it). */
  async start(input: unknown, signal?: AbortSignal, options: StartOptions = {}): Promise<StartedChat> {
    this.refuseWhenClosing(options.closing);
    const opened = await openChat(
      {
        chat: this.options.chat,
        conversations: this.options.conversations,
        onWriteError: (error) => this.options.onHistoryError?.(error),
      },
      input,
      signal,
    );
    const { turn, prepared } = opened;
    try {
      this.refuseWhenClosing(options.closing);
      signal?.throwIfAborted();
    } catch (error) {
      if (turn) await turn.stop();
      throw error;
    }
    if (turn) this.options.onStoredChatStart?.(turn);
    const chatId = crypto.randomUUID();
    const closing = AbortSignal.any(
      [this.options.closing, options.closing].filter((s): s is AbortSignal => s !== undefined),
    );
    const entry: Entry = {
      id: chatId,
      opened,
      stop: new AbortController(),
      closing,
      log: [{ ...startEvent(chatId, turn ?? undefined), seq: 1 }],
      sinks: new Set(),
      state: 'started',
      claimed: false,
      timer: undefined,
      run: null,
    };
    this.chats.set(chatId, entry);
    if (turn) {
      // Its turn is written: the answer is asked for now, whoever listens.
      this.run(entry);
      this.linger(entry);
    } else {
      entry.timer = this.later(() => this.stop(chatId), this.idleMs);
      // The provider is asked now, not when the subscriber comes: over HTTP the subscription is a
      // second round trip, which the provider's time to its first token then overlaps. After this
      // turn of the event loop, so that `start`'s answer is written first.
      setImmediate(() => this.askAhead(entry));
    }
    return {
      chatId,
      providerId: prepared.providerId,
      modelId: prepared.modelId,
      ...(turn
        ? {
            conversationId: turn.conversationId,
            userMessageId: turn.userMessageId,
            assistantMessageId: turn.assistantMessageId,
          }
        : {}),
    };
  }

  /**
   * Attaches `sink` to a chat: the events after `after` at once, then the new ones as they come.
   * Throws CHAT_NOT_FOUND for an unknown or ended chat, or a stateless one that already has its
   * subscriber. Returns `detach`: a stateless chat then stops; a stored one lingers.
   */
  attach(chatId: string, sink: ChatSink, options: EventsOptions = {}): () => void {
    const entry = this.claim(chatId, options);
    return this.connect(entry, sink, options.after ?? 0);
  }

  /**
   * A chat's events for one tRPC subscriber: `start`, token/thinking (joined within one frame, see
   * TokenJoiner), then one `done` or `error`, each with its `seq`. Aborting `signal` (the subscriber
   * left) stops a stateless chat. Throws CHAT_NOT_FOUND at once for an id it can't serve.
   */
  events(
    chatId: string,
    signal?: AbortSignal,
    options: EventsOptions = {},
  ): AsyncGenerator<SequencedChatEvent> {
    const entry = this.claim(chatId, options);
    return this.relayToSubscriber(entry, options.after ?? 0, signal);
  }

  /** Stops a started or streaming chat; false when there is none with that id. */
  stop(chatId: string): boolean {
    const entry = this.chats.get(chatId);
    if (!entry || entry.state === 'ended') return false;
    clearTimeout(entry.timer);
    entry.stop.abort();
    if (entry.state === 'started') {
      this.dropAsked(entry);
      this.chats.delete(chatId);
    }
    return true;
  }

  /** Stops every chat and waits until their answers are written (before history closes). */
  async close(): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const entry of this.chats.values()) {
      clearTimeout(entry.timer);
      entry.stop.abort();
      this.dropAsked(entry);
      if (entry.run) runs.push(entry.run);
    }
    await Promise.allSettled(runs);
    this.chats.clear();
  }

  private claim(chatId: string, options: EventsOptions): Entry {
    const entry = this.chats.get(chatId);
    const stored = entry?.opened.turn != null;
    if (!entry || (!stored && (entry.claimed || entry.state === 'ended'))) {
      throw new AppError(
        'CHAT_NOT_FOUND',
        `There is no started chat "${chatId}" waiting for its events: it finished, was stopped, or was not subscribed to within ${this.idleMs / 1000} s. Start it again with chat.start.`,
        { details: { chat_id: chatId } },
      );
    }
    const after = options.after ?? 0;
    if (!Number.isInteger(after) || after < 0) {
      throw new AppError('VALIDATION_ERROR', `after must be a sequence number (0 or more), got ${after}.`, {
        details: { issues: [{ path: ['after'], message: 'must be a whole number, 0 or more' }] },
      });
    }
    entry.claimed = true;
    return entry;
  }

  /** Replays what the sink has not seen, then keeps it up to date; returns `detach`. */
  private connect(entry: Entry, sink: ChatSink, after: number): () => void {
    if (entry.state !== 'ended') clearTimeout(entry.timer);
    for (const event of this.eventsAfter(entry, after)) sink.push(event);
    if (entry.state === 'ended') {
      if (!entry.log.some(isTerminal)) sink.end?.();
      return () => {};
    }
    entry.sinks.add(sink);
    if (entry.state === 'started') this.run(entry);
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      entry.sinks.delete(sink);
      // A sink that leaves on the terminal event (REST SSE ends there) stops nothing: the chat is over.
      if (entry.state === 'ended' || isTerminal(entry.log[entry.log.length - 1]!)) return;
      if (entry.opened.turn === null) entry.stop.abort();
      else if (entry.sinks.size === 0) this.linger(entry);
    };
  }

  /** Tool calls wait for approval under the chat's id (CONTRACT section 11). */
  private streamOf(entry: Entry): AsyncGenerator<ChatEvent> {
    return this.options.chat.stream({ ...entry.opened.prepared, chatId: entry.id }, entry.stop.signal);
  }

  /**
   * A started stateless chat nobody subscribed to yet: its provider is asked for the first event.
   * Not once a subscriber claimed it (its first pull runs the chat) or it was stopped.
   */
  private askAhead(entry: Entry): void {
    if (entry.state !== 'started' || entry.claimed || entry.asked) return;
    if (this.chats.get(entry.id) !== entry || entry.stop.signal.aborted || entry.closing.aborted) return;
    entry.asked = new AskedAhead(this.streamOf(entry));
  }

  /** A chat that ends before it ran: the stream asked ahead (if any) is stopped and closed. */
  private dropAsked(entry: Entry): void {
    const asked = entry.asked;
    entry.asked = undefined;
    if (!asked) return;
    entry.stop.abort();
    void asked.return().catch(() => undefined);
  }

  private run(entry: Entry): void {
    entry.state = 'running';
    const { turn } = entry.opened;
    const to = { push: (event: ChatEvent) => this.append(entry, event) };
    // A chat stopped before its stream began never reaches the provider (unless it was asked ahead).
    if (entry.stop.signal.aborted || entry.closing.aborted) {
      this.dropAsked(entry);
      if (entry.closing.aborted) to.push(shuttingDownEvent());
      else this.end(entry);
      return;
    }
    const events = entry.asked ?? this.streamOf(entry);
    entry.asked = undefined;
    entry.run = relayChat({
      events,
      stop: entry.stop,
      closing: entry.closing,
      to,
      ...(turn ? { recorder: turnRecorder(turn) } : {}),
    });
  }

  private append(entry: Entry, event: ChatEvent): void {
    if (entry.state === 'ended') return;
    const sequenced = { ...event, seq: entry.log.length + 1 } as SequencedChatEvent;
    entry.log.push(sequenced);
    for (const sink of entry.sinks) sink.push(sequenced);
    if (isTerminal(event)) {
      const { turn, prepared } = entry.opened;
      if (turn) this.options.onStoredChatEnd?.(turn, event, prepared);
      this.end(entry);
    }
  }

  private end(entry: Entry): void {
    entry.state = 'ended';
    clearTimeout(entry.timer);
    for (const sink of entry.sinks) sink.end?.();
    entry.sinks.clear();
    // A stored chat stays re-attachable for a while (a reload just after its end gets the end).
    if (entry.opened.turn) {
      this.keepLight(entry);
      entry.timer = this.later(() => this.forget(entry), this.lingerMs);
    } else this.forget(entry);
  }

  /**
   * What an ended stored chat keeps for its minute of re-attach: its answer's text once, the turn's
   * own string (already in history), in place of its token events, whose texts held the answer a
   * second time: ~200 KB kept 60 s per 20,000-token chat (~80 events) became ~100 KB (bench 12a's
   * server heap after 40 stored chats). Only an answer of tokens alone (no thinking, no tools) is
   * kept so; a re-attach gets the same text as one event numbered like the last token (CONTRACT
   * section 5: a joined event carries the number of the last text it joins), from where its
   * `after` left off.
   */
  private keepLight(entry: Entry): void {
    const { log, opened } = entry;
    const last = log[log.length - 1];
    if (!opened.turn || log.length < 4 || !last || !isTerminal(last)) return;
    const tokens = log.slice(1, -1);
    const ends: number[] = [];
    let length = 0;
    for (const event of tokens) {
      if (event.type !== 'token') return;
      length += event.text.length;
      ends.push(length);
    }
    const text = opened.turn.answer;
    const lastToken = tokens[tokens.length - 1];
    const firstToken = tokens[0];
    if (text.length !== length || !lastToken || !firstToken) return;
    const joined = { ...lastToken, text } as SequencedChatEvent & { type: 'token' };
    entry.log = [log[0] as SequencedChatEvent, joined, last];
    entry.textRun = { event: joined, firstSeq: firstToken.seq, ends };
  }

  /** The events numbered after `after`: the log's, or an ended chat's kept light (its text from where `after` left it). */
  private eventsAfter(entry: Entry, after: number): SequencedChatEvent[] {
    const run = entry.textRun;
    if (!run) return entry.log.slice(after);
    const events: SequencedChatEvent[] = [];
    for (const event of entry.log) {
      if (event.seq <= after) continue;
      // Tokens of the run the subscriber already had: the rest of the text only.
      const had = event === run.event ? after - run.firstSeq + 1 : 0;
      events.push(had > 0 ? { ...run.event, text: run.event.text.slice(run.ends[had - 1]) } : event);
    }
    return events;
  }

  private linger(entry: Entry): void {
    clearTimeout(entry.timer);
    entry.timer = this.later(() => entry.stop.abort(), this.lingerMs);
  }

  private forget(entry: Entry): void {
    if (this.chats.get(entry.id) === entry) this.chats.delete(entry.id);
  }

  private later(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return timer;
  }

  /**
   * The chat runs ahead of its subscriber; each batch the joiner hands over is yielded before the next
   * is taken, so a subscriber that falls behind gets what waited joined.
   */
  private async *relayToSubscriber(
    entry: Entry,
    after: number,
    signal?: AbortSignal,
  ): AsyncGenerator<SequencedChatEvent> {
    // Stopped, or dropped by the idle timer, before this first pull: nothing to relay.
    if (this.chats.get(entry.id) !== entry) return;
    const batches = new AsyncQueue<SequencedChatEvent[]>();
    let finished = false;
    // The subscriber left: a stateless chat stops (and ends at once with "stopped", still relayed
    // while the transport listens); a stored one goes on without it.
    const leave = () => {
      if (entry.opened.turn === null) entry.stop.abort();
      else batches.cancel();
    };
    signal?.addEventListener('abort', leave, { once: true });
    if (signal?.aborted) leave();
    const joiner = new TokenJoiner({
      windowMs: TRPC_JOIN_WINDOW_MS,
      deliver: (events) => {
        joiner.pause();
        batches.push(events as SequencedChatEvent[]);
      },
    });
    const sink: ChatSink = {
      push: (event) => joiner.push(event),
      // Ended with no terminal event (stopped before it began): the subscription completes.
      end: () => {
        if (!finished) batches.end();
      },
    };
    const detach = this.connect(entry, sink, after);
    try {
      for await (const batch of batches) {
        for (const event of batch) {
          finished = isTerminal(event);
          yield event;
          if (finished) return;
        }
        joiner.resume();
      }
    } finally {
      signal?.removeEventListener('abort', leave);
      joiner.dispose();
      detach();
    }
  }

  private refuseWhenClosing(closing: AbortSignal | undefined): void {
    if (this.options.closing?.aborted || closing?.aborted) throw shuttingDownError();
  }
}

export type { PreparedChat };

/**
 * An async iterator whose first value is asked for at once (the provider request goes out now); the
 * consumer gets it with its first `next()`, then the rest. `return()` always reaches the source, even
 * before the first `next()`, so a stream asked ahead and never read still runs its `finally`.
 */
export class AskedAhead<T> implements AsyncIterableIterator<T> {
  private first: Promise<IteratorResult<T>> | undefined;

  constructor(private readonly source: AsyncIterator<T>) {
    this.first = source.next();
    // A failure is the consumer's, when it reads; until then it must not count as unhandled.
    this.first.catch(() => undefined);
  }

  next(): Promise<IteratorResult<T>> {
    const first = this.first;
    if (!first) return this.source.next();
    this.first = undefined;
    return first;
  }

  async return(value?: unknown): Promise<IteratorResult<T>> {
    this.first = undefined;
    return (await this.source.return?.(value)) ?? { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
