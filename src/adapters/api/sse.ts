import type { ServerResponse } from 'node:http';

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-store',
  'x-content-type-options': 'nosniff',
  'x-accel-buffering': 'no',
};

export const PING_INTERVAL_MS = 15_000;

type TextKind = 'token' | 'thinking';

/**
 * Writes one chat's SSE stream straight to the socket, with no await per token. While the socket is
 * backpressured (`write` returned false), the texts that arrive wait and are joined into one event
 * per kind when it drains; the first event is never held back. `: ping` keeps an idle stream alive.
 */
export class ChatSseWriter {
  private blocked = false;
  private readonly waiting: { kind: TextKind; text: string }[] = [];
  private readonly ping: ReturnType<typeof setInterval>;

  constructor(
    private readonly res: ServerResponse,
    pingMs = PING_INTERVAL_MS,
  ) {
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    res.on('drain', this.onDrain);
    this.ping = setInterval(() => {
      if (!this.blocked) this.write(': ping\n\n');
    }, pingMs);
    this.ping.unref();
  }

  /** The client went away, or the stream already ended. */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  text(kind: TextKind, text: string): void {
    if (!this.blocked) {
      this.write(dataFrame(kind, text));
      return;
    }
    const last = this.waiting.at(-1);
    if (last?.kind === kind) last.text += text;
    else this.waiting.push({ kind, text });
  }

  /** The one terminal event (`done` or `error`); nothing follows it. */
  end(event: 'done' | 'error', data: unknown): void {
    clearInterval(this.ping);
    this.res.off('drain', this.onDrain);
    if (this.closed) return;
    // `end` queues behind whatever the socket still holds, so it needs no drain.
    this.res.end(`${this.takeWaiting()}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Stops the ping without writing (the client is gone). */
  dispose(): void {
    clearInterval(this.ping);
    this.res.off('drain', this.onDrain);
  }

  private readonly onDrain = (): void => {
    this.blocked = false;
    const chunk = this.takeWaiting();
    if (chunk !== '') this.write(chunk);
  };

  private takeWaiting(): string {
    const chunk = this.waiting.map(({ kind, text }) => dataFrame(kind, text)).join('');
    this.waiting.length = 0;
    return chunk;
  }

  private write(chunk: string): void {
    if (this.closed) return;
    this.blocked = !this.res.write(chunk);
  }
}

const dataFrame = (kind: TextKind, text: string): string => `data: ${JSON.stringify({ [kind]: text })}\n\n`;
