import { describe, expect, it } from 'vitest';
import { MemoryConversationStore } from '../../src/adapters/store/memory-conversation-store.js';
import type { ChatDoneEvent } from '../../src/domain/chat.js';
import type { AppError } from '../../src/domain/errors.js';
import { uuidV7 } from '../../src/domain/ids.js';
import { ConversationService } from '../../src/domain/services/conversation-service.js';

const done: ChatDoneEvent = {
  type: 'done',
  finishReason: 'stop',
  providerId: 'p',
  modelId: 'm',
  usage: { promptTokens: 3, completionTokens: 2 },
  stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
};

function world(options: { historyEnabled?: boolean } = {}) {
  const store = new MemoryConversationStore();
  const temporary = new MemoryConversationStore();
  const service = new ConversationService({
    store,
    temporary,
    historyEnabled: () => options.historyEnabled ?? true,
  });
  const errors: AppError[] = [];
  /** One send, answered with `answer` and finished. */
  async function send(target: Record<string, unknown>, answer = 'ok') {
    const plan = await service.planTurn(target);
    const turn = await service.beginTurn(
      plan,
      { providerId: 'p', modelId: 'm' },
      { onError: (e) => errors.push(e) },
    );
    turn.append({ type: 'token', text: answer });
    await turn.finish(done);
    return { plan, turn };
  }
  return { store, temporary, service, send, errors };
}

const texts = (messages: { content: string }[]) => messages.map((message) => message.content);

describe('ConversationService', () => {
  it('creates a conversation with a new send, titled by the first line of the prompt at once', async () => {
    const { service, send } = world();
    const { turn } = await send(
      { conversationId: 'new', prompt: '\n  Plan a trip to Kyoto  \nin spring' },
      'Sure',
    );
    const { conversation, messages } = await service.get(turn.conversationId);
    expect(conversation.title).toBe('Plan a trip to Kyoto');
    expect(conversation.providerId).toBe('p');
    expect(conversation.messageCount).toBe(2);
    expect(texts(messages)).toEqual(['\n  Plan a trip to Kyoto  \nin spring', 'Sure']);
    expect(messages[1]).toMatchObject({
      role: 'assistant',
      status: 'done',
      usage: done.usage,
      stats: done.stats,
    });
    expect(conversation.currentLeafId).toBe(turn.assistantMessageId);
  });

  it('continues after the current leaf and sends the branch so far to the model', async () => {
    const { service, send } = world();
    const first = await send({ conversationId: 'new', prompt: 'one' }, 'two');
    const plan = await service.planTurn({ conversationId: first.turn.conversationId, prompt: 'three' });
    expect(plan.messages).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
      { role: 'user', content: 'three' },
    ]);
  });

  it('edit_of adds a sibling of the user message; the old branch stays reachable with through', async () => {
    const { service, send } = world();
    const first = await send({ conversationId: 'new', prompt: 'v1' }, 'a1');
    const id = first.turn.conversationId;
    const second = await send({ conversationId: id, editOf: first.turn.userMessageId, prompt: 'v2' }, 'a2');
    const current = await service.get(id);
    expect(texts(current.messages)).toEqual(['v2', 'a2']);
    expect(current.messages[0]?.siblingIds).toEqual([first.turn.userMessageId, second.turn.userMessageId]);
    const old = await service.get(id, { through: first.turn.userMessageId as string });
    expect(texts(old.messages)).toEqual(['v1', 'a1']);
  });

  it('regenerate_of adds a new version of the answer under the same user message, with no prompt', async () => {
    const { service, send } = world();
    const first = await send({ conversationId: 'new', prompt: 'q' }, 'a1');
    const id = first.turn.conversationId;
    const again = await send({ conversationId: id, regenerateOf: first.turn.assistantMessageId }, 'a2');
    expect(again.plan.messages).toEqual([{ role: 'user', content: 'q' }]);
    expect(again.turn.userMessageId).toBeNull();
    const { messages } = await service.get(id);
    expect(texts(messages)).toEqual(['q', 'a2']);
    expect(messages[1]?.siblingIds).toEqual([first.turn.assistantMessageId, again.turn.assistantMessageId]);
  });

  it('gives a window of the branch: its last N messages, or the N before a message, and how many come earlier', async () => {
    const { service, send } = world();
    const first = await send({ conversationId: 'new', prompt: 'q1' }, 'a1');
    const id = first.turn.conversationId;
    await send({ conversationId: id, prompt: 'q2' }, 'a2');
    const third = await send({ conversationId: id, prompt: 'q3' }, 'a3');
    const whole = await service.get(id);
    expect(texts(whole.messages)).toEqual(['q1', 'a1', 'q2', 'a2', 'q3', 'a3']);
    expect(whole.earlier).toBe(0);
    const latest = await service.get(id, { last: 2 });
    expect(texts(latest.messages)).toEqual(['q3', 'a3']);
    expect(latest.earlier).toBe(4);
    const before = await service.get(id, { last: 3, before: third.turn.userMessageId as string });
    expect(texts(before.messages)).toEqual(['a1', 'q2', 'a2']);
    expect(before.earlier).toBe(1);
    expect((await service.get(id, { last: 50 })).messages).toHaveLength(6);
    // The versions of a message in a window are still all of them.
    await send({ conversationId: id, regenerateOf: third.turn.assistantMessageId }, 'b3');
    const versions = await service.get(id, { last: 1 });
    expect(versions.messages[0]?.siblingIds).toHaveLength(2);
  });

  it('refuses a window that makes no sense with a clear error', async () => {
    const { service, send } = world();
    const first = await send({ conversationId: 'new', prompt: 'q1' }, 'a1');
    const id = first.turn.conversationId;
    const other = await send({ conversationId: 'new', prompt: 'elsewhere' });
    await expect(service.get(id, { last: 0 })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(service.get(id, { last: 1.5 })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(
      service.get(id, { last: 2, before: other.turn.userMessageId as string }),
    ).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND', details: { field: 'before' } });
  });

  it('refuses regenerate_of a user message, edit_of an answer, and ids of another conversation', async () => {
    const { service, send } = world();
    const a = await send({ conversationId: 'new', prompt: 'a' });
    const b = await send({ conversationId: 'new', prompt: 'b' });
    const id = a.turn.conversationId;
    await expect(
      service.planTurn({ conversationId: id, regenerateOf: a.turn.userMessageId }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(
      service.planTurn({ conversationId: id, editOf: a.turn.assistantMessageId, prompt: 'x' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(
      service.planTurn({ conversationId: id, after: b.turn.assistantMessageId, prompt: 'x' }),
    ).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND', details: { field: 'after' } });
    await expect(
      service.planTurn({
        conversationId: id,
        after: a.turn.assistantMessageId,
        editOf: a.turn.userMessageId,
        prompt: 'x',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('answers malformed and unknown ids with clear errors', async () => {
    const { service } = world();
    await expect(service.get('not-an-id')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(service.get(uuidV7())).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
    await expect(service.planTurn({ conversationId: uuidV7(), prompt: 'x' })).rejects.toMatchObject({
      code: 'CONVERSATION_NOT_FOUND',
    });
  });

  it('refuses a second send while an answer streams (CONVERSATION_BUSY), and accepts it after', async () => {
    const { service, send } = world();
    const first = await send({ conversationId: 'new', prompt: 'q' });
    const id = first.turn.conversationId;
    const plan = await service.planTurn({ conversationId: id, prompt: 'second' });
    const streaming = await service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} });
    const third = await service.planTurn({ conversationId: id, prompt: 'third' });
    await expect(
      service.beginTurn(third, { providerId: 'p', modelId: 'm' }, { onError: () => {} }),
    ).rejects.toMatchObject({
      code: 'CONVERSATION_BUSY',
    });
    await streaming.finish({ ...done, finishReason: 'stopped' });
    await send({ conversationId: id, prompt: 'third' });
    const { messages } = await service.get(id);
    expect(messages.map((message) => message.status)).toEqual([
      'done',
      'done',
      'done',
      'stopped',
      'done',
      'done',
    ]);
  });

  it('PATCH current_leaf_id descends to the newest leaf below the message named', async () => {
    const { service, send } = world();
    const first = await send({ conversationId: 'new', prompt: 'q' }, 'a1');
    const id = first.turn.conversationId;
    await send({ conversationId: id, prompt: 'q2' }, 'a2');
    await send({ conversationId: id, regenerateOf: first.turn.assistantMessageId }, 'b1');
    const updated = await service.update(id, { currentLeafId: first.turn.userMessageId });
    const { messages } = await service.get(id);
    expect(texts(messages)).toEqual(['q', 'b1']);
    expect(updated.currentLeafId).toBe(messages[1]?.id);
    const back = await service.update(id, { currentLeafId: first.turn.assistantMessageId });
    expect((await service.get(id)).messages.at(-1)?.id).toBe(back.currentLeafId);
    expect(texts((await service.get(id)).messages)).toEqual(['q', 'a1', 'q2', 'a2']);
  });

  it('deletes a message with everything after it on its branch; the conversation shows what remains', async () => {
    const { service, send } = world();
    const first = await send({ conversationId: 'new', prompt: 'q' }, 'a1');
    const id = first.turn.conversationId;
    const second = await send({ conversationId: id, prompt: 'q2' }, 'a2');
    await service.deleteMessage(id, second.turn.userMessageId as string);
    const { conversation, messages } = await service.get(id);
    expect(texts(messages)).toEqual(['q', 'a1']);
    expect(conversation.messageCount).toBe(2);
    expect(conversation.currentLeafId).toBe(first.turn.assistantMessageId);
    await expect(service.deleteMessage(id, second.turn.assistantMessageId)).rejects.toMatchObject({
      code: 'MESSAGE_NOT_FOUND',
    });
  });

  it('keeps temporary conversations out of the durable store', async () => {
    const { service, store, temporary, send } = world();
    const { turn } = await send({ conversationId: 'new', temporary: true, prompt: 'secret' });
    expect(await store.get(turn.conversationId)).toBeNull();
    expect((await temporary.get(turn.conversationId))?.temporary).toBe(true);
    expect(texts((await service.get(turn.conversationId)).messages)).toEqual(['secret', 'ok']);
    expect((await service.list()).items).toEqual([]);
  });

  it('with history off, every conversation is temporary and listing says why there is none', async () => {
    const { service, store, send } = world({ historyEnabled: false });
    const { turn } = await send({ conversationId: 'new', prompt: 'private' });
    expect(await store.get(turn.conversationId)).toBeNull();
    expect((await service.get(turn.conversationId)).conversation.temporary).toBe(true);
    const created = await service.create({ title: 'x' });
    expect(created.temporary).toBe(true);
    await expect(service.list()).rejects.toMatchObject({
      code: 'HISTORY_UNAVAILABLE',
      details: { reason: 'disabled' },
    });
  });

  it('refuses a 10 MiB title with a validation error', async () => {
    const { service } = world();
    const conversation = await service.create({});
    await expect(
      service.update(conversation.id, { title: 'x'.repeat(10 * 1024 * 1024) }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });

  it('tells listeners which conversation changed', async () => {
    const { service, send } = world();
    const changes: (string | null)[] = [];
    service.onChange((change) => changes.push(change.conversationId));
    const { turn } = await send({ conversationId: 'new', prompt: 'q' });
    expect(changes).toContain(turn.conversationId);
  });
});
