import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryConversationStore } from '../../src/adapters/store/memory-conversation-store.js';
import { AppError } from '../../src/domain/errors.js';
import type { MessageUpdate } from '../../src/domain/ports/conversation-store.port.js';
import { ConversationService } from '../../src/domain/services/conversation-service.js';

/** A store that records every message write, and can be told to fail them (a full disk). */
class RecordingStore extends MemoryConversationStore {
  writes: MessageUpdate[] = [];
  failing = false;
  override async updateMessage(id: string, update: MessageUpdate): Promise<void> {
    if (this.failing)
      throw new AppError('HISTORY_UNAVAILABLE', 'disk full', { details: { reason: 'disk_full' } });
    this.writes.push(update);
    await super.updateMessage(id, update);
  }
}

async function begin() {
  const store = new RecordingStore();
  const service = new ConversationService({ store, temporary: new MemoryConversationStore() });
  const errors: AppError[] = [];
  const plan = await service.planTurn({ conversationId: 'new', prompt: 'hi' });
  const turn = await service.beginTurn(
    plan,
    { providerId: 'p', modelId: 'm' },
    { onError: (e) => errors.push(e) },
  );
  const answer = async () => (await service.get(turn.conversationId)).messages[1];
  return { store, service, turn, errors, answer };
}

describe('StoredTurn (what a streaming answer writes)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the user message and a streaming answer before any text arrives', async () => {
    const { answer, service, turn } = await begin();
    const { messages } = await service.get(turn.conversationId);
    expect(messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'done'],
      ['assistant', 'streaming'],
    ]);
    expect((await answer())?.content).toBe('');
  });

  it('writes the text so far at most once a second', async () => {
    const { store, turn, answer } = await begin();
    for (let i = 0; i < 10; i++) {
      turn.append({ type: 'token', text: `t${i} ` });
      await vi.advanceTimersByTimeAsync(150);
    }
    // 1.5 s of tokens: one write at 1 s, the next one not before 2 s.
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]?.content).toBe('t0 t1 t2 t3 t4 t5 t6 ');
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.writes).toHaveLength(2);
    expect((await answer())?.content).toBe('t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 ');
    expect((await answer())?.status).toBe('streaming');
  });

  it('writes nothing while nothing new arrives', async () => {
    const { store, turn } = await begin();
    turn.append({ type: 'thinking', text: 'hmm' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]?.thinking).toBe('hmm');
  });

  it('ends with the whole text, final status, usage and stats in one write', async () => {
    const { store, turn, answer } = await begin();
    turn.append({ type: 'token', text: 'Hel' });
    turn.append({ type: 'token', text: 'lo' });
    await turn.finish({
      type: 'done',
      finishReason: 'stopped',
      providerId: 'p',
      modelId: 'm',
      usage: { promptTokens: null, completionTokens: 2 },
      stats: { ttftMs: 5, durationMs: 9, tokensPerS: 222 },
    });
    expect(store.writes).toHaveLength(1);
    expect(await answer()).toMatchObject({
      content: 'Hello',
      status: 'stopped',
      usage: { promptTokens: null, completionTokens: 2 },
      stats: { ttftMs: 5, durationMs: 9, tokensPerS: 222 },
    });
    await vi.advanceTimersByTimeAsync(2000);
    expect(store.writes).toHaveLength(1);
  });

  it('an error event stores the partial text with status error and its code', async () => {
    const { turn, answer } = await begin();
    turn.append({ type: 'token', text: 'part' });
    await turn.finish({ type: 'error', errorCode: 'PROVIDER_ERROR', message: 'cut', details: {} });
    expect(await answer()).toMatchObject({ content: 'part', status: 'error', errorCode: 'PROVIDER_ERROR' });
  });

  it('a failing write (disk full) is reported and the chat goes on; the next write carries all the text', async () => {
    const { store, turn, errors, answer } = await begin();
    store.failing = true;
    turn.append({ type: 'token', text: 'a' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(errors.map((error) => error.details.reason)).toEqual(['disk_full']);
    store.failing = false;
    turn.append({ type: 'token', text: 'b' });
    await vi.advanceTimersByTimeAsync(1000);
    expect((await answer())?.content).toBe('ab');
  });
});
