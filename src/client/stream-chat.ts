import type { ChatEvent } from '../domain/chat.js';
import { AsyncQueue } from '../shared/async-queue.js';
import type { LightChatClient } from './create-client.js';

/**
 * What `chat.start` takes: `{prompt}` or `{messages}`, with `providerId?`, `modelId?`, `systemPrompt?`,
 * `options?`; a stored chat adds `conversationId` (an id or `"new"`), `temporary?` and one of `after`,
 * `editOf`, `regenerateOf` (CONTRACT section 10).
 */
export type StreamChatRequest = Parameters<LightChatClient['chat']['start']['mutate']>[0];

/**
 * Starts a chat and yields its events: `start` (its `chatId`, and for a stored chat the conversation's
 * and messages' ids), token/thinking, then one `done` or `error`; each carries `seq`. Leaving the loop
 * early (`break`, an exception) stops the chat and aborts the provider request. A failure to start
 * (validation, unknown provider, no model, no server) is thrown.
 */
export async function* streamChat(
  client: LightChatClient,
  request: StreamChatRequest,
): AsyncGenerator<ChatEvent> {
  const { chatId } = await client.chat.start.mutate(request);
  const events = new AsyncQueue<ChatEvent>();
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
