import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryConversationStore } from '../../src/adapters/store/memory-conversation-store.js';
import type { ChatEvent } from '../../src/domain/chat.js';
import {
  AutoTitles,
  cleanTitle,
  TITLE_MAX_TOKENS,
  TITLE_TIMEOUT_MS,
} from '../../src/domain/services/auto-title.js';
import type { ChatService, PreparedChat } from '../../src/domain/services/chat-service.js';
import { ConversationService } from '../../src/domain/services/conversation-service.js';
import { waitFor } from '../fixtures/wait-for.js';

const done: ChatEvent = {
  type: 'done',
  finishReason: 'stop',
  providerId: 'p',
  modelId: 'm',
  usage: { promptTokens: 1, completionTokens: 1 },
  stats: { ttftMs: 1, durationMs: 1, tokensPerS: 1 },
};

/** A title model: answers `answer`, or hangs until aborted when `hang`. */
function titleModel(answer: string, options: { hang?: boolean } = {}) {
  const prepared: { input: Record<string, unknown> }[] = [];
  const signals: AbortSignal[] = [];
  const chat = {
    preparePassThrough(input: Record<string, unknown>) {
      prepared.push({ input });
      return { providerId: input.providerId, modelId: input.modelId, passThrough: true } as PreparedChat;
    },
    async *stream(_: PreparedChat, signal: AbortSignal): AsyncGenerator<ChatEvent> {
      signals.push(signal);
      if (options.hang) {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        yield { ...done, finishReason: 'stopped' } as ChatEvent;
        return;
      }
      yield { type: 'token', text: answer };
      yield done;
    },
  };
  return { chat: chat as unknown as ChatService, prepared, signals };
}

async function setup(
  answer: string,
  options: { hang?: boolean; autoTitle?: boolean; titleModel?: string } = {},
) {
  const model = titleModel(answer, options);
  const conversations = new ConversationService({
    store: new MemoryConversationStore(),
    temporary: new MemoryConversationStore(),
  });
  const titles = new AutoTitles({
    chat: model.chat,
    conversations,
    settings: () => ({ autoTitle: options.autoTitle ?? true, titleModel: options.titleModel ?? null }),
  });
  const changes: (string | null)[] = [];
  conversations.onChange((change) => changes.push(change.conversationId));
  const send = async (prompt: string, conversationId = 'new') => {
    const plan = await conversations.planTurn({ conversationId, prompt });
    const turn = await conversations.beginTurn(
      plan,
      { providerId: 'p', modelId: 'chat-model' },
      { onError: () => {} },
    );
    turn.append({ type: 'token', text: 'An answer.' });
    await turn.finish(done as Extract<ChatEvent, { type: 'done' }>);
    return turn;
  };
  const titleOf = async (id: string) => (await conversations.get(id)).conversation.title;
  return { ...model, conversations, titles, changes, send, titleOf };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('auto titles (CONTRACT section 10)', () => {
  it('after the first answer, asks the title model (pass-through: unlogged; thinking off, 32 tokens) and sets its title', async () => {
    const w = await setup('"Colours of the rainbow."');
    const turn = await w.send('What are the colours\nof the rainbow?');
    expect(await w.titleOf(turn.conversationId)).toBe('What are the colours');
    const seen = w.changes.length;
    w.titles.afterAnswer(turn, done, { providerId: 'p', modelId: 'chat-model' });
    await waitFor(() => w.changes.length > seen, 'the new title is announced');
    expect(await w.titleOf(turn.conversationId)).toBe('Colours of the rainbow');
    expect(w.prepared[0]).toMatchObject({
      input: {
        providerId: 'p',
        modelId: 'chat-model',
        options: { think: false, maxTokens: TITLE_MAX_TOKENS },
      },
    });
    const asked = (w.prepared[0]!.input.messages as { content: string }[])[1]?.content;
    expect(asked).toContain('What are the colours');
  });

  it('uses history.title_model when set', async () => {
    const w = await setup('Short', { titleModel: 'tiny' });
    const turn = await w.send('Hello there');
    w.titles.afterAnswer(turn, done, { providerId: 'p', modelId: 'chat-model' });
    await waitFor(() => w.prepared.length === 1, 'the title model is asked');
    expect(w.prepared[0]?.input.modelId).toBe('tiny');
  });

  it('never replaces a title the user set meanwhile', async () => {
    const w = await setup('Model title');
    const turn = await w.send('Question');
    await w.conversations.update(turn.conversationId, { title: 'Mine' });
    w.titles.afterAnswer(turn, done, { providerId: 'p', modelId: 'm' });
    await w.titles.idle();
    expect(w.signals).toHaveLength(1);
    expect(await w.titleOf(turn.conversationId)).toBe('Mine');
  });

  it('is cancelled when the user sends again; gives up after 20 s', async () => {
    const w = await setup('never', { hang: true });
    const turn = await w.send('First');
    w.titles.afterAnswer(turn, done, { providerId: 'p', modelId: 'm' });
    await waitFor(() => w.signals.length === 1, 'the title model is asked');
    w.titles.cancel(turn.conversationId);
    expect(w.signals[0]?.aborted).toBe(true);

    vi.useFakeTimers();
    const other = await w.send('Second conversation');
    w.titles.afterAnswer(other, done, { providerId: 'p', modelId: 'm' });
    await vi.advanceTimersByTimeAsync(0);
    expect(w.signals[1]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(TITLE_TIMEOUT_MS - 1);
    expect(w.signals[1]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.signals[1]?.aborted).toBe(true);
    expect(await w.titleOf(other.conversationId)).toBe('Second conversation');
  });

  it('asks nothing with auto_title off, after a later turn, or after a stopped answer', async () => {
    const off = await setup('x', { autoTitle: false });
    const turn = await off.send('Question');
    off.titles.afterAnswer(turn, done, { providerId: 'p', modelId: 'm' });

    const on = await setup('x');
    const first = await on.send('Question');
    const second = await on.send('Follow-up', first.conversationId);
    on.titles.afterAnswer(second, done, { providerId: 'p', modelId: 'm' });
    on.titles.afterAnswer(first, { ...done, finishReason: 'stopped' } as ChatEvent, {
      providerId: 'p',
      modelId: 'm',
    });
    expect(off.prepared).toHaveLength(0);
    expect(on.prepared).toHaveLength(0);
  });

  it('cleans a model answer into at most six words', () => {
    expect(cleanTitle('Title: "Planning a trip to Japan in spring and summer."')).toBe(
      'Planning a trip to Japan in',
    );
    expect(cleanTitle('<think>hmm</think>\n\n**Rust lifetimes**')).toBe('Rust lifetimes');
    expect(cleanTitle('   \n')).toBeNull();
  });
});
