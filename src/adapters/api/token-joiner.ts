import type { ChatEvent } from '../../domain/chat.js';

/** tRPC `chat.events` (and IPC, the same router) may join the texts of one frame (CONTRACT section 5). */
export const TRPC_JOIN_WINDOW_MS = 16;
/** REST joins only what waited behind a slow socket (CONTRACT section 3). */
export const REST_JOIN_WINDOW_MS = 0;

export interface TokenJoinerOptions {
  /**
   * 0: texts are handed over as they come, joined only while the transport is paused (backpressure).
   * More: a text that comes within this many ms of the previous hand-over waits for the window to
   * close, joined with the texts of its kind that come meanwhile.
   */
  windowMs: number;
  /**
   * Hands events to the transport, in order; it calls `pause()` in here when it can take no more.
   * `done` and `error` are handed over even while paused (they end the stream; nothing follows).
   */
  deliver: (events: ChatEvent[]) => void;
  now?: () => number;
}

/**
 * The one rule for joining a chat's texts on their way to a transport, used by REST SSE and tRPC:
 * texts of one kind in a row (`token` or `thinking`) become one event, the order of kinds is kept,
 * the chat's first text is never joined nor held back, and any other event (`done`, `error`) is
 * handed over at once with what waited before it. Tokens are counted by the chat engine before they
 * get here, so joining never changes `usage`.
 */
export class TokenJoiner {
  private waiting: ChatEvent[] = [];
  /** Texts before this index are not joined onto (the chat's first text, while it waits). */
  private joinFrom = 0;
  private firstText = true;
  private paused = false;
  private lastDelivery = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: TokenJoinerOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  push(event: ChatEvent): void {
    if (event.type === 'token' || event.type === 'thinking') {
      const last = this.waiting.length > this.joinFrom ? this.waiting.at(-1) : undefined;
      // The joined event takes the later one's other fields (its `seq` on chat.events).
      if (last?.type === event.type) Object.assign(last, event, { text: last.text + event.text });
      // A copy: joining must not change an event its producer still holds.
      else this.waiting.push({ ...event });
      if (this.firstText) {
        this.firstText = false;
        this.joinFrom = this.waiting.length;
        this.flush();
        return;
      }
    } else {
      // Never held back, not even behind a full socket: `done` and `error` queue behind what it holds.
      this.waiting.push(event);
      this.flush(true);
      return;
    }
    this.schedule();
  }

  /** The transport can take no more for now: what comes waits, joined. */
  pause(): void {
    this.paused = true;
  }

  /** The transport can take more: what waited is handed over (texts within the window wait for it). */
  resume(): void {
    this.paused = false;
    this.schedule();
  }

  /** Stops the window's timer (the transport went away). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.paused || this.waiting.length === 0 || this.timer !== undefined) return;
    const wait = this.lastDelivery + this.options.windowMs - this.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(force = false): void {
    if ((this.paused && !force) || this.waiting.length === 0) return;
    this.dispose();
    const events = this.waiting;
    this.waiting = [];
    this.joinFrom = 0;
    // The window runs from the last text handed over: a `start` before the first text never delays it.
    if (events.some((event) => event.type === 'token' || event.type === 'thinking')) {
      this.lastDelivery = this.now();
    }
    this.options.deliver(events);
  }
}
