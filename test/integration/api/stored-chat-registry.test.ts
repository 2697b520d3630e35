import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ChatRegistry,
  type SequencedChatEvent,
  STORED_CHAT_LINGER_MS,
} from '../../../src/adapters/api/chat-registry.js';
import { MemoryConversationStore } from '../../../src/adapters/store/memory-conversation-store.js';
import type { ChatEvent } from '../../../src/domain/chat.js';
import type { NewTurn } from '../../../src/domain/ports/conversation-store.port.js';
import type { ChatService, PreparedChat } from '../../../src/domain/services/chat-service.js';
import { ConversationService } from '../../../src/domain/services/conversation-service.js';

/**
 * A chat engine stand-in whose answer comes in steps the test opens: `release(n)` lets n more tokens
 * out; after the last, `done` (or "stopped" once aborted).
 */
function gatedChat(tokens: string[]) {
  const signals: AbortSignal[] = [];
  let allowed = 0;
  let wake: () => void = () => {};
  const chat = {
    async prepare(input: { providerId?: string; modelId?: string }) {
      return { providerId: input.providerId ?? 'p', modelId: input.modelId ?? 'm' } as PreparedChat;
    },
    async *stream(_: PreparedChat, signal: AbortSignal): AsyncGenerator<ChatEvent> {
      signals.push(signal);
      const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      for (let i = 0; i < tokens.length; i++) {
        while (i >= allowed && !signal.aborted) {
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), stopped]);
        }
        if (signal.aborted) break;
        yield { type: 'token', text: tokens[i] as string };
      }
      yield {
        type: 'done',
        finishReason: signal.aborted ? 'stopped' : 'stop',
        providerId: 'p',
        modelId: 'm',
        usage: { promptTokens: 1, completionTokens: tokens.length },
        stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
      };
    },
  };
  return {
    chat: chat as unknown as ChatService,
    signals,
    release(count = 1) {
      allowed += count;
      wake();
    },
  };
}

function world(tokens = ['one ', 'two ', 'three ', 'four'], store = new MemoryConversationStore()) {
  const gated = gatedChat(tokens);
  const conversations = new ConversationService({ store, temporary: new MemoryConversationStore() });
  const registry = new ChatRegistry({ chat: gated.chat, conversations });
  return { ...gated, conversations, registry };
}

/** A store whose turn writes wait until the test lets each one land. */
class HeldTurnStore extends MemoryConversationStore {
  readonly held: { turn: NewTurn; land(): void }[] = [];
  override addTurn(turn: NewTurn) {
    return new Promise<void>((resolve) => {
      this.held.push({ turn, land: resolve });
    }).then(() => super.addTurn(turn));
  }
}

/** Lets every pending promise job and I/O callback run (the chat's steps are all in-process). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Pulls events until `until` says stop (or the chat ends); the subscription stays open. */
async function pull(
  events: AsyncGenerator<SequencedChatEvent>,
  until: (seen: SequencedChatEvent[]) => boolean,
): Promise<SequencedChatEvent[]> {
  const seen: SequencedChatEvent[] = [];
  while (!until(seen)) {
    const next = await events.next();
    if (next.done) break;
    seen.push(next.value);
  }
  return seen;
}

const textOf = (events: readonly ChatEvent[]) =>
  events.map((event) => (event.type === 'token' ? event.text : '')).join('');

afterEach(() => {
  vi.useRealTimers();
});

describe('stored chats in the one registry (CONTRACT sections 5 and 10)', () => {
  it('chat.start answers with the ids; events begin with `start` carrying them and are numbered from 1', async () => {
    const w = world();
    const started = await w.registry.start({ conversationId: 'new', prompt: 'Count' });
    expect(started).toMatchObject({
      chatId: expect.any(String),
      conversationId: expect.any(String),
      userMessageId: expect.any(String),
      assistantMessageId: expect.any(String),
    });
    w.release(4);
    const all = await pull(w.registry.events(started.chatId), () => false);
    expect(all[0]).toEqual({
      type: 'start',
      seq: 1,
      chatId: started.chatId,
      conversationId: started.conversationId,
      userMessageId: started.userMessageId,
      assistantMessageId: started.assistantMessageId,
    });
    expect(all.at(-1)).toMatchObject({
      type: 'done',
      conversationId: started.conversationId,
      messageId: started.assistantMessageId,
    });
    const seqs = all.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(textOf(all)).toBe('one two three four');
  });

  it('keeps running when its subscriber leaves; a re-attach with `after` gets exactly what followed', async () => {
    const w = world();
    const started = await w.registry.start({ conversationId: 'new', prompt: 'Count' });
    w.release(1);
    const leave = new AbortController();
    const first = w.registry.events(started.chatId, leave.signal);
    const before = await pull(first, (seen) => seen.some((event) => event.type === 'token'));
    leave.abort();
    expect((await first.next()).done).toBe(true);
    expect(w.signals[0]?.aborted).toBe(false);

    // The answer goes on with nobody listening.
    w.release(2);
    const id = started.conversationId as string;
    const last = before.at(-1)?.seq ?? 0;
    const again = w.registry.events(started.chatId, undefined, { after: last });
    w.release(1);
    const after = await pull(again, () => false);
    expect(after[0]?.seq).toBe(last + 1);
    expect(after.some((event) => event.type === 'start')).toBe(false);
    expect(textOf([...before, ...after])).toBe('one two three four');
    expect(after.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
    const stored = await w.conversations.get(id);
    expect(stored.messages.map((m) => [m.content, m.status])).toEqual([
      ['Count', 'done'],
      ['one two three four', 'done'],
    ]);
  });

  it('a re-attach after the end still gets the end; a stateless chat is never re-attached', async () => {
    const w = world(['x']);
    const started = await w.registry.start({ conversationId: 'new', prompt: 'Q' });
    w.release(1);
    const all = await pull(w.registry.events(started.chatId), () => false);
    const tail = await pull(w.registry.events(started.chatId, undefined, { after: 2 }), () => false);
    expect(tail).toEqual(all.slice(2));
    expect(w.registry.size).toBe(0);

    const plain = await w.registry.start({ prompt: 'Q' });
    w.release(1);
    await pull(w.registry.events(plain.chatId), () => false);
    expect(() => w.registry.events(plain.chatId, undefined, { after: 1 })).toThrow(
      expect.objectContaining({ code: 'CHAT_NOT_FOUND' }),
    );
  });

  it('an ended chat keeps its answer as one text: a re-attach gets all of it, or what followed `after`', async () => {
    const w = world();
    const started = await w.registry.start({ conversationId: 'new', prompt: 'Count' });
    w.release(4);
    // start 1, the four tokens 2-5, done 6.
    const all = await pull(w.registry.events(started.chatId), () => false);
    expect(all.at(-1)).toMatchObject({ type: 'done', seq: 6 });
    const replay = (after: number) => {
      const seen: SequencedChatEvent[] = [];
      w.registry.attach(started.chatId, { push: (event) => seen.push(event) }, { after });
      return seen;
    };
    expect(replay(0).map((event) => [event.type, event.seq])).toEqual([
      ['start', 1],
      ['token', 5],
      ['done', 6],
    ]);
    expect(textOf(replay(0))).toBe('one two three four');
    expect(replay(1)).toMatchObject([{ type: 'token', seq: 5, text: 'one two three four' }, { seq: 6 }]);
    // Two tokens had: the rest of the text, still numbered like the last token.
    expect(replay(3)).toMatchObject([
      { type: 'token', seq: 5, text: 'three four' },
      { type: 'done', seq: 6 },
    ]);
    expect(replay(5).map((event) => event.type)).toEqual(['done']);
    expect(replay(6)).toEqual([]);
  });

  it(`stops a stored chat nobody listens to for ${STORED_CHAT_LINGER_MS / 1000} s; the text so far is kept as stopped`, async () => {
    vi.useFakeTimers();
    const w = world();
    const started = await w.registry.start({ conversationId: 'new', prompt: 'Count' });
    w.release(1);
    await vi.advanceTimersByTimeAsync(STORED_CHAT_LINGER_MS - 1);
    expect(w.signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.signals[0]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    const stored = await w.conversations.get(started.conversationId as string);
    expect(stored.messages.at(-1)).toMatchObject({ content: 'one ', status: 'stopped' });
  });

  it('a subscriber coming back within the time keeps it running', async () => {
    vi.useFakeTimers();
    const w = world();
    const started = await w.registry.start({ conversationId: 'new', prompt: 'Count' });
    await vi.advanceTimersByTimeAsync(STORED_CHAT_LINGER_MS - 1);
    const events = w.registry.events(started.chatId);
    await events.next();
    await vi.advanceTimersByTimeAsync(STORED_CHAT_LINGER_MS * 2);
    expect(w.signals[0]?.aborted).toBe(false);
    w.release(4);
    const rest = await pull(events, () => false);
    expect(rest.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
  });

  it('takes `prompt` for a stateless chat too, and refuses both `prompt` and `messages`', async () => {
    const w = world();
    await expect(
      w.registry.start({ prompt: 'a', messages: [{ role: 'user', content: 'b' }] }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(
      w.registry.start({ conversationId: 'new', messages: [{ role: 'user', content: 'b' }] }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    const plain = await w.registry.start({ prompt: 'a' });
    expect(plain).not.toHaveProperty('conversationId');
  });
});

describe("a stored chat's turn is written before its provider is asked (CONTRACT section 10)", () => {
  it('a new conversation: no provider request while its turn is being written', async () => {
    const store = new HeldTurnStore();
    const w = world(['Hel', 'lo'], store);
    const starting = w.registry.start({ conversationId: 'new', prompt: 'Hi' });
    await settle();
    expect(store.held).toHaveLength(1);
    expect(w.signals).toHaveLength(0);
    store.held[0]?.land();
    const { chatId, conversationId } = await starting;
    expect(w.signals).toHaveLength(1);
    w.release(2);
    const events = await pull(w.registry.events(chatId), () => false);
    expect(events.map((event) => event.type)).toEqual(['start', 'token', 'token', 'done']);
    const stored = await w.conversations.get(conversationId as string);
    expect(stored.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'Hi', 'done'],
      ['assistant', 'Hello', 'done'],
    ]);
  });

  it('an existing conversation: a busy send costs no provider request', async () => {
    const store = new HeldTurnStore();
    const w = world(['a'], store);
    const first = w.registry.start({ conversationId: 'new', prompt: 'One' });
    await settle();
    store.held[0]?.land();
    const { chatId, conversationId } = await first;
    // The first answer streams (not released yet); a second send into the conversation is refused.
    const busy = w.registry.start({ conversationId, prompt: 'Two' });
    await settle();
    expect(store.held).toHaveLength(2);
    expect(w.signals).toHaveLength(1);
    store.held[1]?.land();
    await expect(busy).rejects.toMatchObject({ code: 'CONVERSATION_BUSY' });
    expect(w.signals).toHaveLength(1);

    w.release(1);
    await pull(w.registry.events(chatId), () => false);
    const next = w.registry.start({ conversationId, prompt: 'Three' });
    await settle();
    expect(w.signals).toHaveLength(1);
    store.held[2]?.land();
    await next;
    expect(w.signals).toHaveLength(2);
  });
});
