import type { ServerResponse } from 'node:http';
import { toSnakeKeys } from '../../domain/casing.js';
import type { ChatEvent } from '../../domain/chat.js';
import type { ChatRegistry } from './chat-registry.js';
import { isTerminal, relayChat } from './chat-relay.js';
import { REST_JOIN_WINDOW_MS, TokenJoiner } from './token-joiner.js';

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-store',
  'x-content-type-options': 'nosniff',
  'x-accel-buffering': 'no',
};

export const PING_INTERVAL_MS = 15_000;

/** How one event reads on the wire: LightChat's own frames, or another format (the gateway's OpenAI chunks). */
export type RenderEvent = (event: ChatEvent) => string;

/**
 * Writes one chat's SSE stream (CONTRACT section 3) straight to the socket, with no await per event.
 * `write` says when the socket is full; the caller waits for `onDrain` (joining texts meanwhile, see
 * TokenJoiner). `: ping` keeps an idle stream alive.
 */
export class ChatSseWriter {
  private blocked = false;
  private drained: (() => void) | undefined;
  private readonly ping: ReturnType<typeof setInterval>;

  constructor(
    private readonly res: ServerResponse,
    pingMs = PING_INTERVAL_MS,
    private readonly render: RenderEvent = frame,
    /** false: the caller writes its first event at once, and the headers go with it (one write, not two). */
    flushHeaders = true,
  ) {
    res.writeHead(200, SSE_HEADERS);
    if (flushHeaders) res.flushHeaders();
    res.on('drain', this.onSocketDrain);
    this.ping = setInterval(() => {
      if (!this.blocked) this.send(': ping\n\n');
    }, pingMs);
    this.ping.unref();
  }

  /** The client went away, or the stream already ended. */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /**
   * Writes `events` as one chunk; a terminal event (`done`, `error`) ends the response after it (no
   * drain needed: `end` queues behind what the socket holds). False when the socket is full.
   */
  write(events: ChatEvent[]): boolean {
    if (this.closed) return true;
    const terminal = events.findIndex((event) => event.type === 'done' || event.type === 'error');
    const chunk = (terminal === -1 ? events : events.slice(0, terminal + 1))
      .map((event) => this.render(event))
      .join('');
    if (terminal !== -1) {
      this.dispose();
      this.res.end(chunk);
      return true;
    }
    this.send(chunk);
    return !this.blocked;
  }

  /** `listener` runs each time a full socket has drained. */
  onDrain(listener: () => void): void {
    this.drained = listener;
  }

  /** Stops the ping and the drain listener (the stream ended, or the client is gone). */
  dispose(): void {
    clearInterval(this.ping);
    this.res.off('drain', this.onSocketDrain);
  }

  private readonly onSocketDrain = (): void => {
    this.blocked = false;
    this.drained?.();
  };

  private send(chunk: string): void {
    if (this.closed) return;
    this.blocked = !this.res.write(chunk);
  }
}

/**
 * A chat answered as SSE: the one relay, with texts joined only while the socket is full. The client
 * leaving, or the server shutting down, stops it at once through `stop` (and the provider request).
 * The caller has the chat's first event in hand (the gateway waits for it to choose its status), so
 * the headers go out with it, in one write: a separate one cost the gateway's time to first token.
 */
export async function answerAsSse(
  res: ServerResponse,
  events: AsyncIterable<ChatEvent>,
  stop: AbortController,
  closing: AbortSignal,
  render: RenderEvent = frame,
): Promise<void> {
  if (res.destroyed) return;
  const writer = new ChatSseWriter(res, PING_INTERVAL_MS, render, false);
  const joiner = new TokenJoiner({
    windowMs: REST_JOIN_WINDOW_MS,
    deliver: (batch) => {
      if (!writer.write(batch)) joiner.pause();
    },
  });
  writer.onDrain(() => joiner.resume());
  const onClose = () => stop.abort();
  res.on('close', onClose);
  try {
    await relayChat({ events, stop, closing, to: joiner });
  } finally {
    joiner.dispose();
    writer.dispose();
    res.off('close', onClose);
  }
}

/**
 * A chat of the registry answered as SSE (`POST /chat`): texts joined only while the socket is full.
 * The client leaving detaches it (a stateless chat stops at once, with its provider request; a stored
 * one goes on for a while and can be re-attached). Resolves once the stream ended or the client left.
 * The provider is asked first: the headers and `start` wait (corked) until the chat's request has
 * left, then go in one write — each write before it delayed the first token (bench row 2).
 */
export function answerChatAsSse(res: ServerResponse, chats: ChatRegistry, chatId: string): Promise<void> {
  if (res.destroyed) {
    chats.attach(chatId, { push: () => {} })();
    return Promise.resolve();
  }
  const writer = new ChatSseWriter(res, PING_INTERVAL_MS, frame, false);
  // The request to the provider is sent in the microtasks that follow attach; setImmediate runs after them.
  res.cork();
  let corked = true;
  const uncork = () => {
    if (!corked) return;
    corked = false;
    res.uncork();
  };
  setImmediate(uncork);
  return new Promise<void>((resolve) => {
    let detach: (() => void) | null = null;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      joiner.dispose();
      writer.dispose();
      res.off('close', finish);
      // Ended with no terminal event: the stream still ends.
      uncork();
      if (!writer.closed) res.end();
      detach?.();
      resolve();
    };
    const joiner = new TokenJoiner({
      windowMs: REST_JOIN_WINDOW_MS,
      deliver: (batch) => {
        const terminal = batch.some(isTerminal);
        // Node's `end` on a corked response sends the first write only: a chat whose end is here
        // before the uncork (it ended before its client attached, or failed at once) goes out first.
        if (terminal) uncork();
        // Only texts wait behind a full socket (joined): `start` never holds back the first one.
        if (!writer.write(batch) && batch.some(isText)) joiner.pause();
        if (terminal) finish();
      },
    });
    writer.onDrain(() => joiner.resume());
    res.on('close', finish);
    detach = chats.attach(chatId, { push: (event) => joiner.push(event), end: finish });
    if (finished) detach();
  });
}

const isText = (event: ChatEvent): boolean => event.type === 'token' || event.type === 'thinking';

/** One event on the wire: texts as `data: {"token": …}` / `{"thinking": …}`, the end as `event: done|error`. */
function frame(event: ChatEvent): string {
  switch (event.type) {
    case 'start': {
      const { type: _, seq: _seq, ...start } = event as ChatEvent & { seq?: number };
      return `event: start\ndata: ${JSON.stringify(toSnakeKeys(start))}\n\n`;
    }
    case 'token':
      return `data: ${JSON.stringify({ token: event.text })}\n\n`;
    case 'thinking':
      return `data: ${JSON.stringify({ thinking: event.text })}\n\n`;
    case 'truncated':
      return `event: truncated\ndata: ${JSON.stringify({ dropped_messages: event.droppedMessages })}\n\n`;
    case 'toolCall':
    case 'toolResult': {
      const { type, seq: _seq, ...tool } = event as ChatEvent & { seq?: number };
      return `event: ${type === 'toolCall' ? 'tool_call' : 'tool_result'}\ndata: ${JSON.stringify(toSnakeKeys(tool))}\n\n`;
    }
    case 'done': {
      const { type: _, seq: _seq, ...done } = event as ChatEvent & { seq?: number };
      return `event: done\ndata: ${JSON.stringify(toSnakeKeys(done))}\n\n`;
    }
    case 'error': {
      const { errorCode, message, details, conversationId, messageId, historyError } = event;
      const ids = conversationId === undefined ? {} : { conversationId, messageId };
      if (historyError !== undefined) Object.assign(ids, { historyError });
      return `event: error\ndata: ${JSON.stringify(toSnakeKeys({ errorCode, message, details, ...ids }))}\n\n`;
    }
  }
}
