import type { ChatEvent } from '../domain/chat.js';
import type { LightChatClient } from './create-client.js';

/** What `chat.start` takes: `{messages, providerId?, modelId?, systemPrompt?, options?}`. */
export type StreamChatRequest = Parameters<LightChatClient['chat']['start']['mutate']>[0];

/**
 * Starts a chat and yields its events: token/thinking, then one `done` or `error`. Leaving the loop
 * early (`break`, an exception) stops the chat and aborts the provider request. A failure to start
 * (validation, unknown provider, no model, no server) is thrown.
 */
export async function* streamChat(
  client: LightChatClient,
  request: StreamChatRequest,
): AsyncGenerator<ChatEvent> {
  const { chatId } = await client.chat.start.mutate(request);
  const events = new EventQueue<ChatEvent>();
  const subscription = client.chat.events.subscribe(
    { chatId },
    {
      onData: (event) => events.push(event),
      onError: (error) => events.fail(error),
      onComplete: () => events.end(),
    },
  );
  let finished = false;
  try {
    for await (const event of events) {
      if (event.type === 'done' || event.type === 'error') finished = true;
      yield event;
      if (finished) return;
    }
  } finally {
    subscription.unsubscribe();
    // Unsubscribing stops a chat that streams; `stop` also drops one not yet subscribed to.
    if (!finished) await client.chat.stop.mutate({ chatId }).catch(() => undefined);
  }
}

/** Callback values as an async iterable, in order. */
class EventQueue<T> implements AsyncIterable<T> {
  private readonly values: T[] = [];
  private done = false;
  private error: { reason: unknown } | null = null;
  private wake: (() => void) | null = null;

  push(value: T): void {
    this.values.push(value);
    this.notify();
  }

  end(): void {
    this.done = true;
    this.notify();
  }

  fail(reason: unknown): void {
    this.error = { reason };
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const value = this.values.shift();
      if (value !== undefined) {
        yield value;
        continue;
      }
      if (this.error) throw this.error.reason;
      if (this.done) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    this.wake?.();
    this.wake = null;
  }
}
