import { describe, expect, it } from 'vitest';
import { relayChat } from '../../src/adapters/api/chat-relay.js';
import { MemoryConversationStore } from '../../src/adapters/store/memory-conversation-store.js';
import type { ChatDoneEvent, ChatEvent } from '../../src/domain/chat.js';
import { ConversationService } from '../../src/domain/services/conversation-service.js';
import { turnRecorder } from '../../src/domain/services/stored-chat.js';

const done: ChatDoneEvent = {
  type: 'done',
  finishReason: 'stop',
  providerId: 'p',
  modelId: 'm',
  usage: { promptTokens: 3, completionTokens: 2 },
  stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
};

/** Remembers the last status written for each message, as the write lands. */
class WatchedStore extends MemoryConversationStore {
  readonly written = new Map<string, string | undefined>();
  override async updateMessage(...args: Parameters<MemoryConversationStore['updateMessage']>) {
    await super.updateMessage(...args);
    this.written.set(args[0], args[1].status);
  }
}

async function storedTurn() {
  const store = new WatchedStore();
  const service = new ConversationService({ store, temporary: new MemoryConversationStore() });
  const plan = await service.planTurn({ conversationId: 'new', prompt: 'q' });
  const turn = await service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} });
  return { service, store, turn };
}

async function* source(events: ChatEvent[]): AsyncGenerator<ChatEvent> {
  for (const event of events) yield event;
}

describe("a stored chat's relay records its turn on the way", () => {
  it('records each token as it is sent, and sends the end only once the answer is written, with its ids', async () => {
    const { service, store, turn } = await storedTurn();
    const sent: { event: ChatEvent; answerSoFar: string; stored: string | undefined }[] = [];
    await relayChat({
      events: source([{ type: 'token', text: 'Hel' }, { type: 'token', text: 'lo' }, done]),
      stop: new AbortController(),
      recorder: turnRecorder(turn),
      to: {
        push: (event) => {
          sent.push({ event, answerSoFar: turn.answer, stored: store.written.get(turn.assistantMessageId) });
        },
      },
    });
    // Recorded before it was passed on, with no wait of its own.
    expect(sent.slice(0, 2).map((entry) => entry.answerSoFar)).toEqual(['Hel', 'Hello']);
    expect(sent[2]?.event).toEqual({
      ...done,
      conversationId: turn.conversationId,
      messageId: turn.assistantMessageId,
    });
    // `done` leaves after the final write.
    expect(sent[2]?.stored).toBe('done');
    const { messages } = await service.get(turn.conversationId);
    expect(messages.at(-1)).toMatchObject({ content: 'Hello', status: 'done', usage: done.usage });
  });

  it('a stream that fails keeps the text so far, stored as an error, and sends the error with the ids', async () => {
    const { service, turn } = await storedTurn();
    const sent: ChatEvent[] = [];
    async function* failing(): AsyncGenerator<ChatEvent> {
      yield { type: 'token', text: 'partial' };
      throw new Error('the provider hung up');
    }
    await relayChat({
      events: failing(),
      stop: new AbortController(),
      recorder: turnRecorder(turn),
      to: { push: (event) => sent.push(event) },
    });
    expect(sent.at(-1)).toMatchObject({
      type: 'error',
      errorCode: 'INTERNAL',
      conversationId: turn.conversationId,
      messageId: turn.assistantMessageId,
    });
    const { messages } = await service.get(turn.conversationId);
    expect(messages.at(-1)).toMatchObject({ content: 'partial', status: 'error' });
  });
});
