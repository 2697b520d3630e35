import type { ChatErrorEvent, ChatEvent } from '../../domain/chat.js';
import { AppError, toAppError } from '../../domain/errors.js';
import type { ChatService, PreparedChat } from '../../domain/services/chat-service.js';
import { ChatEventQueue } from './chat-event-queue.js';

/** A started chat nobody subscribes to within this time is dropped (CONTRACT section 5). */
export const CHAT_IDLE_MS = 10_000;

export interface ChatSessionsOptions {
  chat: ChatService;
  /** Aborted when the host shuts down: streaming chats end with a `SERVER_SHUTTING_DOWN` error event. */
  closing?: AbortSignal;
  idleMs?: number;
}

export interface StartedChat {
  chatId: string;
  providerId: string;
  modelId: string;
}

interface Session {
  prepared: PreparedChat;
  stop: AbortController;
  /** Drops the chat unless its events are pulled in time: runs until the first pull, not the claim. */
  timer: ReturnType<typeof setTimeout>;
  /** `events` handed out its generator; `streaming`: the generator was pulled (its `finally` cleans up). */
  state: 'started' | 'claimed' | 'streaming';
}

/**
 * Chats in two steps: `start` prepares one under a random id (errors are thrown here, before any
 * stream), `events` runs it for exactly one subscriber. Only the id travels in a subscription's URL.
 */
export class ChatSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;

  constructor(private readonly options: ChatSessionsOptions) {
    this.idleMs = options.idleMs ?? CHAT_IDLE_MS;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** `signal`: the caller gave up (the model lookup of a chat that names no model stops with it). */
  async start(input: unknown, signal?: AbortSignal): Promise<StartedChat> {
    this.refuseWhenClosing();
    const prepared = await this.options.chat.prepare(input, signal);
    this.refuseWhenClosing();
    signal?.throwIfAborted();
    const chatId = crypto.randomUUID();
    const timer = setTimeout(() => this.stop(chatId), this.idleMs);
    timer.unref?.();
    this.sessions.set(chatId, { prepared, stop: new AbortController(), timer, state: 'started' });
    return { chatId, providerId: prepared.providerId, modelId: prepared.modelId };
  }

  /**
   * Claims a started chat and returns its events: token/thinking, then one `done` or `error`.
   * Aborting `signal` (the subscriber left) stops it. Throws CHAT_NOT_FOUND for an unknown,
   * already claimed or finished id.
   */
  events(chatId: string, signal?: AbortSignal): AsyncGenerator<ChatEvent> {
    const session = this.sessions.get(chatId);
    if (!session || session.state !== 'started') {
      throw new AppError(
        'CHAT_NOT_FOUND',
        `There is no started chat "${chatId}" waiting for its events: it finished, was stopped, or was not subscribed to within ${this.idleMs / 1000} s. Start it again with chat.start.`,
        { details: { chat_id: chatId } },
      );
    }
    // A generator that is never pulled never runs its `finally`: the idle timer stays until it is.
    session.state = 'claimed';
    return this.run(chatId, session, signal);
  }

  /** Stops a started or streaming chat; false when there is none with that id. */
  stop(chatId: string): boolean {
    const session = this.sessions.get(chatId);
    if (!session) return false;
    clearTimeout(session.timer);
    session.stop.abort();
    if (session.state !== 'streaming') this.sessions.delete(chatId);
    return true;
  }

  /**
   * The chat runs in `relay`, ahead of its subscriber: each turn the subscriber gets everything that
   * waited, texts of one kind joined into one event (tRPC pays per event, not per character).
   */
  private async *run(chatId: string, session: Session, signal?: AbortSignal): AsyncGenerator<ChatEvent> {
    clearTimeout(session.timer);
    // Stopped, or dropped by the idle timer, before this first pull: nothing to run or clean up.
    if (this.sessions.get(chatId) !== session) return;
    session.state = 'streaming';
    const stop = () => session.stop.abort();
    const { closing } = this.options;
    signal?.addEventListener('abort', stop, { once: true });
    closing?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted || closing?.aborted) stop();
    const queue = new ChatEventQueue();
    try {
      // A chat stopped before its stream began never reaches the provider.
      if (session.stop.signal.aborted) {
        if (closing?.aborted) yield shuttingDown();
        return;
      }
      void this.relay(session, queue);
      for (;;) {
        const events = await queue.take();
        if (events.length === 0) return;
        for (const event of events) yield event;
      }
    } finally {
      // The subscriber left before the terminal event: stop the chat (it ends with "stopped").
      if (!queue.finished) stop();
      signal?.removeEventListener('abort', stop);
      closing?.removeEventListener('abort', stop);
      this.sessions.delete(chatId);
    }
  }

  /** Streams the chat into `queue`, ending it with exactly one terminal event; never rejects. */
  private async relay(session: Session, queue: ChatEventQueue): Promise<void> {
    const { closing } = this.options;
    try {
      for await (const event of this.options.chat.stream(session.prepared, session.stop.signal)) {
        if (event.type === 'done' || event.type === 'error') {
          queue.end(event.type === 'done' && closing?.aborted ? shuttingDown() : event);
          return;
        }
        queue.push(event);
      }
      queue.end();
    } catch (error) {
      queue.end(errorEvent(toAppError(error)));
    }
  }

  private refuseWhenClosing(): void {
    if (this.options.closing?.aborted) throw shuttingDownError();
  }
}

export const errorEvent = (error: AppError): ChatErrorEvent => ({
  type: 'error',
  errorCode: error.code,
  message: error.message,
  details: error.details,
});

export const shuttingDownError = (): AppError =>
  new AppError(
    'SERVER_SHUTTING_DOWN',
    'LightChat is shutting down; the answer was stopped. Start it again and retry.',
  );

const shuttingDown = (): ChatErrorEvent => errorEvent(shuttingDownError());
