import { describe, expect, it } from 'vitest';
import {
  type AssistantMessage,
  type Conversation,
  type ConversationAction,
  conversationReducer,
  emptyConversation,
  historyBefore,
  restoredConversation,
  sameApartFromText,
} from '../../src/renderer/state/conversation';

const apply = (state: Conversation, ...actions: ConversationAction[]) =>
  actions.reduce(conversationReducer, state);
const answer = (state: Conversation, id: string) => state.byId[id] as AssistantMessage;
const text = (value: string) => ({
  type: 'stream' as const,
  answerId: 'a1',
  batch: { text: value, thinking: '', end: null },
});
const done = {
  type: 'done' as const,
  finishReason: 'stop',
  providerId: 'ollama_local',
  modelId: 'llama3.2',
  usage: { promptTokens: 5, completionTokens: 2 },
  stats: { ttftMs: 20, durationMs: 100, tokensPerS: 20 },
};

/** Q1 → A1 (done), Q2 → A2 (done). */
function twoTurns(): Conversation {
  return apply(
    emptyConversation,
    { type: 'ask', userId: 'u1', content: 'Q1', answerId: 'a1' },
    text('A1'),
    { type: 'stream', answerId: 'a1', batch: { text: '', thinking: '', end: done } },
    { type: 'ask', userId: 'u2', content: 'Q2', answerId: 'a2' },
    { type: 'stream', answerId: 'a2', batch: { text: 'A2', thinking: '', end: done } },
  );
}

describe('conversation reducer', () => {
  it('appends streamed text to the answer and ends it with the model and stats of done', () => {
    const state = apply(
      emptyConversation,
      { type: 'ask', userId: 'u1', content: 'Hi', answerId: 'a1' },
      text('Hel'),
      text('lo'),
      { type: 'stream', answerId: 'a1', batch: { text: '!', thinking: '', end: done } },
    );
    expect(state.order).toEqual(['u1', 'a1']);
    expect(answer(state, 'a1')).toMatchObject({
      content: 'Hello!',
      status: 'done',
      modelId: 'llama3.2',
      stats: done.stats,
      usage: done.usage,
    });
  });

  it('replaces only the streaming message object: the others and the order stay the same objects', () => {
    const before = apply(twoTurns(), { type: 'ask', userId: 'u3', content: 'Q3', answerId: 'a3' });
    const after = conversationReducer(before, {
      type: 'stream',
      answerId: 'a3',
      batch: { text: 'x', thinking: '', end: null },
    });
    expect(after.order).toBe(before.order);
    expect(after.byId.a1).toBe(before.byId.a1);
    expect(after.byId.a3).not.toBe(before.byId.a3);
  });

  it('keeps the partial text of a stopped answer, marked stopped, and ignores text arriving after', () => {
    const state = apply(
      emptyConversation,
      { type: 'ask', userId: 'u1', content: 'Hi', answerId: 'a1' },
      text('Part'),
      { type: 'stop', answerId: 'a1' },
      text('ignored'),
    );
    expect(answer(state, 'a1')).toMatchObject({
      content: 'Part',
      status: 'stopped',
      finishReason: 'stopped',
    });
  });

  it('a done event whose finish reason is "stopped" leaves the answer marked stopped', () => {
    const state = apply(
      emptyConversation,
      { type: 'ask', userId: 'u1', content: 'Hi', answerId: 'a1' },
      {
        type: 'stream',
        answerId: 'a1',
        batch: { text: 'Pa', thinking: '', end: { ...done, finishReason: 'stopped' } },
      },
    );
    expect(answer(state, 'a1').status).toBe('stopped');
  });

  it('regenerate drops the answer and everything after it, and starts a new one in its place', () => {
    const state = apply(twoTurns(), { type: 'reask', answerId: 'a1', newAnswerId: 'a1b' });
    expect(state.order).toEqual(['u1', 'a1b']);
    expect(answer(state, 'a1b')).toMatchObject({ content: '', status: 'waiting' });
    expect(historyBefore(state, 'a1b')).toEqual([{ role: 'user', content: 'Q1' }]);
  });

  it('editing a user message forks the conversation there', () => {
    const state = apply(twoTurns(), {
      type: 'edit',
      userId: 'u2',
      content: 'Q2 edited',
      newUserId: 'u2b',
      answerId: 'a2b',
    });
    expect(state.order).toEqual(['u1', 'a1', 'u2b', 'a2b']);
    expect(historyBefore(state, 'a2b')).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2 edited' },
    ]);
  });

  it('leaves failed and empty answers out of the history sent to the model', () => {
    const state = apply(
      emptyConversation,
      { type: 'ask', userId: 'u1', content: 'Q1', answerId: 'a1' },
      { type: 'fail', answerId: 'a1', error: { code: 'PROVIDER_UNREACHABLE', message: 'down', details: {} } },
      { type: 'ask', userId: 'u2', content: 'Q2', answerId: 'a2' },
    );
    expect(historyBefore(state, 'a2')).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'user', content: 'Q2' },
    ]);
  });

  it('after a reload an answer that was streaming is kept as stopped', () => {
    const saved = apply(
      emptyConversation,
      { type: 'ask', userId: 'u1', content: 'Hi', answerId: 'a1' },
      text('Par'),
    );
    const restored = restoredConversation(JSON.parse(JSON.stringify(saved)));
    expect(answer(restored, 'a1')).toMatchObject({ content: 'Par', status: 'stopped' });
  });

  it('tells a row that only the streamed text changed, so the row need not re-render', () => {
    const asked = apply(emptyConversation, { type: 'ask', userId: 'u1', content: 'Q', answerId: 'a1' });
    const first = apply(asked, text('Hel'));
    const more = apply(first, text('lo'));
    expect(sameApartFromText(first.byId.a1, more.byId.a1)).toBe(true);
    // Text appearing, thinking, and the end of the answer all change what the row shows.
    expect(sameApartFromText(asked.byId.a1, first.byId.a1)).toBe(false);
    const thinking = apply(more, { ...text(''), batch: { text: '', thinking: 'Hm', end: null } });
    expect(sameApartFromText(more.byId.a1, thinking.byId.a1)).toBe(false);
    const finished = apply(more, { ...text('!'), batch: { text: '!', thinking: '', end: done } });
    expect(sameApartFromText(more.byId.a1, finished.byId.a1)).toBe(false);
    expect(sameApartFromText(asked.byId.u1, { ...asked.byId.u1!, content: 'Other' })).toBe(false);
  });
});
