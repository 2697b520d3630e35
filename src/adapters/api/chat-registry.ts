import type { ChatEvent } from '../../domain/chat.js';
import { AppError } from '../../domain/errors.js';
import type { ChatService, PreparedChat } from '../../domain/services/chat-service.js';
import { AsyncQueue } from '../../shared/async-queue.js';
import { isTerminal, relayChat, shuttingDownError, shuttingDownEvent } from './chat-relay.js';
import { TokenJoiner, TRPC_JOIN_WINDOW_MS } from './token-joiner.js';

/** A started chat nobody subscribes to within this time is dropped (CONTRACT section 5). */
export const CHAT_IDLE_MS = 10_000;

export interface ChatRegistryOptions {
  chat: Pick<ChatService, 'prepare' | 'stream'>;
  /** Aborted when the host shuts down: streaming chats end with a `SERVER_SHUTTING_DOWN` error event. */
  closing?: AbortSignal;
  idleMs?: number;
}

export interface StartedChat {
  chatId: string;
  providerId: string;
  modelId: string;
}

interface Entry {
  prepared: PreparedChat;
  stop: AbortController;
  /** Drops the chat unless its events are pulled in time: runs until the first pull, not the claim. */
  timer: ReturnType<typeof setTimeout>;
  /** `claimed`: `events` handed out its generator; `streaming`: it was pulled (its `finally` cleans up). */
  state: 'started' | 'claimed' | 'streaming';
}

/**
 * The tRPC chats in two steps: `start` prepares one under a random id (errors are thrown here, before
 * any stream), `events` relays it to exactly one subscriber. Only the id travels in a subscription's
 * URL. Over HTTP and IPC alike (the same router).
 */
export class ChatRegistry {
  private readonly chats = new Map<string, Entry>();
  private readonly idleMs: number;

  constructor(private readonly options: ChatRegistryOptions) {
    this.idleMs = options.idleMs ?? CHAT_IDLE_MS;
  }

  get size(): number {
    return this.chats.size;
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
    this.chats.set(chatId, { prepared, stop: new AbortController(), timer, state: 'started' });
    return { chatId, providerId: prepared.providerId, modelId: prepared.modelId };
  }

  /**
   * Claims a started chat and returns its events: token/thinking (joined within one frame, see
   * TokenJoiner), then one `done` or `error`. Aborting `signal` (the subscriber left) stops it.
   * Throws CHAT_NOT_FOUND for an unknown, already claimed or finished id.
   */
  events(chatId: string, signal?: AbortSignal): AsyncGenerator<ChatEvent> {
    const entry = this.chats.get(chatId);
    if (entry?.state !== 'started') {
      throw new AppError(
        'CHAT_NOT_FOUND',
        `There is no started chat "${chatId}" waiting for its events: it finished, was stopped, or was not subscribed to within ${this.idleMs / 1000} s. Start it again with chat.start.`,
        { details: { chat_id: chatId } },
      );
    }
    // A generator that is never pulled never runs its `finally`: the idle timer stays until it is.
    entry.state = 'claimed';
    return this.relayToSubscriber(chatId, entry, signal);
  }

  /** Stops a started or streaming chat; false when there is none with that id. */
  stop(chatId: string): boolean {
    const entry = this.chats.get(chatId);
    if (!entry) return false;
    clearTimeout(entry.timer);
    entry.stop.abort();
    if (entry.state !== 'streaming') this.chats.delete(chatId);
    return true;
  }

  /**
   * The chat runs in `relayChat`, ahead of its subscriber; each batch the joiner hands over is
   * yielded before the next is taken, so a subscriber that falls behind gets what waited joined.
   */
  private async *relayToSubscriber(
    chatId: string,
    entry: Entry,
    signal?: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    clearTimeout(entry.timer);
    // Stopped, or dropped by the idle timer, before this first pull: nothing to relay or clean up.
    if (this.chats.get(chatId) !== entry) return;
    entry.state = 'streaming';
    const { closing } = this.options;
    const stop = () => entry.stop.abort();
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) stop();
    // The subscriber leaving stops the chat, which then ends at once with "stopped": the wait ends too.
    const batches = new AsyncQueue<ChatEvent[]>();
    const joiner = new TokenJoiner({
      windowMs: TRPC_JOIN_WINDOW_MS,
      deliver: (events) => {
        joiner.pause();
        batches.push(events);
      },
    });
    let finished = false;
    try {
      // A chat stopped before its stream began never reaches the provider.
      if (entry.stop.signal.aborted || closing?.aborted) {
        if (closing?.aborted) yield shuttingDownEvent();
        return;
      }
      const events = this.options.chat.stream(entry.prepared, entry.stop.signal);
      void relayChat({ events, stop: entry.stop, closing, to: joiner });
      for await (const batch of batches) {
        for (const event of batch) {
          finished = isTerminal(event);
          yield event;
          if (finished) return;
        }
        joiner.resume();
      }
    } finally {
      joiner.dispose();
      // The subscriber left before the terminal event: stop the chat (it ends with "stopped").
      if (!finished) stop();
      signal?.removeEventListener('abort', stop);
      this.chats.delete(chatId);
    }
  }

  private refuseWhenClosing(): void {
    if (this.options.closing?.aborted) throw shuttingDownError();
  }
}
