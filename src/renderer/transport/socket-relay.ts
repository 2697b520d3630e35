import type { MainMessage, RendererMessage } from '../../preload/ipc-protocol.js';

/** Runs one subscription on the tab's WebSocket (tRPC's wsLink, in the worker). */
export interface SubscriptionRunner {
  subscribe(
    path: string,
    input: unknown,
    handlers: {
      onStarted: () => void;
      onData: (data: unknown) => void;
      onError: (error: unknown) => void;
      onComplete: () => void;
    },
  ): { unsubscribe: () => void };
}

export interface SocketRelayOptions {
  runner: SubscriptionRunner;
  /** Hands the page what came since the last post, in order: one message event for all of it. */
  post: (messages: MainMessage[]) => void;
  /** The page gets at most one post per this many ms (the first after a quiet spell at once). */
  intervalMs: number;
  now?: () => number;
}

/** The error shape the page's link rebuilds a TRPCClientError from; no shape: the socket failed. */
function shapeOf(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && 'shape' in error && error.shape) return error.shape;
  const message = error instanceof Error ? error.message : String(error);
  return { message, code: -32603 };
}

/**
 * The worker's half of the page's subscriptions: it runs them on the tab's one WebSocket and hands
 * their messages to the page in batches, at most one `postMessage` per interval. A stream of 500
 * tokens a second then costs the page's main thread ~20 message events a second instead of one per
 * WebSocket message, and the JSON parsing and tRPC plumbing of each stays in the worker. Speaks the
 * desktop window's IPC protocol, so the page's side is the same link (`ipcLink`).
 */
export class SocketRelay {
  private readonly running = new Map<number, () => void>();
  private outbox: MainMessage[] = [];
  private lastPost = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;
  private intervalMs: number;

  constructor(private readonly options: SocketRelayOptions) {
    this.now = options.now ?? (() => performance.now());
    this.intervalMs = options.intervalMs;
  }

  /**
   * The page now renders a stream at most once per `intervalMs` (a slow machine, see `pacedFrames`),
   * or the options' interval again: posts follow it, never more often than the options' interval.
   * A post already waiting keeps its time.
   */
  pace(intervalMs: number): void {
    this.intervalMs = Math.max(this.options.intervalMs, intervalMs);
  }

  receive(message: RendererMessage): void {
    if (message.type === 'stop') {
      this.running.get(message.id)?.();
      this.running.delete(message.id);
      return;
    }
    const { id, op } = message;
    if (op.type !== 'subscription') {
      this.send({
        id,
        type: 'error',
        error: {
          message: `The socket worker runs subscriptions only, not ${op.type} ${op.path}.`,
          code: -32603,
        },
      });
      return;
    }
    // Set before subscribing: a subscription may end while it is set up (an error at once).
    let unsubscribe = () => {};
    this.running.set(id, () => unsubscribe());
    const ended = () => this.running.delete(id);
    const subscription = this.options.runner.subscribe(op.path, op.input, {
      onStarted: () => this.send({ id, type: 'started' }),
      onData: (data) => this.send({ id, type: 'data', data }),
      onError: (error) => {
        ended();
        this.send({ id, type: 'error', error: shapeOf(error) });
      },
      onComplete: () => {
        ended();
        this.send({ id, type: 'complete' });
      },
    });
    unsubscribe = () => subscription.unsubscribe();
  }

  private send(message: MainMessage): void {
    this.outbox.push(message);
    if (this.timer !== undefined) return;
    const wait = this.lastPost + this.intervalMs - this.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (this.outbox.length === 0) return;
    const messages = this.outbox;
    this.outbox = [];
    this.lastPost = this.now();
    this.options.post(messages);
  }
}
