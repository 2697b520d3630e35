import { describe, expect, it, vi } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat';
import {
  type ChatApi,
  ChatTurns,
  type RunningChat,
  STOP_GRACE_MS,
  type TurnPlace,
} from '../../src/renderer/state/chat-turns';
import { type Conversation, emptyConversation } from '../../src/renderer/state/conversation';
import { createStore } from '../../src/renderer/state/store';

interface FakeChat {
  input: Parameters<ChatApi['start']>[0] | null;
  emit: (event: ChatEvent) => void;
  fail: (error: unknown) => void;
  after?: number;
  unsubscribed: boolean;
}

const CONVERSATION = '0197a000-0000-7000-8000-000000000001';
const uuid = (n: number) => `0197a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** The `start` event of a chat stored in the test's conversation: its question (if any) and answer ids. */
const startEvent = (chatId: string, ids: { user: string | null; assistant: string }): ChatEvent => ({
  type: 'start',
  chatId,
  conversationId: CONVERSATION,
  userMessageId: ids.user,
  assistantMessageId: ids.assistant,
});

/** The end of a chat as the server sends it. */
const doneEvent = (finishReason: 'stop' | 'stopped'): ChatEvent => ({
  type: 'done',
  finishReason,
  providerId: 'p',
  modelId: 'm',
  usage: { promptTokens: 1, completionTokens: 1 },
  stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
});

/** ChatTurns in a stored conversation, over an API whose chats the test drives. */
function setup(options: { failStart?: unknown } = {}) {
  const store = createStore<Conversation>(emptyConversation);
  const chats: FakeChat[] = [];
  const stopped: string[] = [];
  const api: ChatApi = {
    async start(input) {
      if (options.failStart !== undefined) throw options.failStart;
      chats.push({ input, emit: () => {}, fail: () => {}, unsubscribed: false });
      return { chatId: `c${chats.length}`, providerId: 'p', modelId: 'm' };
    },
    events(chatId, handlers, eventOptions) {
      const index = Number(chatId.slice(1)) - 1;
      chats[index] ??= { input: null, emit: () => {}, fail: () => {}, unsubscribed: false };
      const chat = chats[index]!;
      chat.emit = handlers.onData;
      chat.fail = handlers.onError;
      chat.after = eventOptions?.after;
      return {
        unsubscribe: () => {
          chat.unsubscribed = true;
        },
      };
    },
    async stop(chatId) {
      stopped.push(chatId);
      return { stopped: true };
    },
  };
  let place: TurnPlace = { conversationId: null, temporary: false };
  const stored: string[] = [];
  const ended: string[] = [];
  const running: (RunningChat | null)[] = [];
  let frames: (() => void)[] = [];
  const turns = new ChatTurns({
    store,
    api,
    choice: () => ({ providerId: 'p', modelId: 'm', systemPrompt: '' }),
    schedule: (flush) => frames.push(flush),
    place: () => place,
    onStored: (id) => {
      stored.push(id);
      place = { ...place, conversationId: id };
    },
    onStoredTurnEnd: (id) => ended.push(id),
    onRunning: (chat) => running.push(chat),
  });
  const frame = () => {
    const run = frames;
    frames = [];
    for (const flush of run) flush();
  };
  /** The server stored the last chat's turn and answers it. */
  const answer = (ids: { user: string | null; assistant: string }, text = 'Answer') => {
    const chat = chats.at(-1)!;
    chat.emit(startEvent(`c${chats.length}`, ids));
    chat.emit({ type: 'token', text });
    chat.emit(doneEvent('stop'));
    frame();
  };
  return {
    store,
    chats,
    turns,
    frame,
    answer,
    stored,
    ended,
    stopped,
    running,
    setPlace: (next: TurnPlace) => (place = next),
  };
}

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ChatTurns in a stored conversation', () => {
  it('a first send creates the conversation: a prompt, no history, and the window learns its id', async () => {
    const { turns, chats, answer, stored, store, ended } = setup();
    turns.send('Hello');
    await flushPromises();
    expect(chats[0]!.input).toEqual({
      conversationId: 'new',
      prompt: 'Hello',
      providerId: 'p',
      modelId: 'm',
      tools: 'auto',
    });
    answer({ user: uuid(2), assistant: uuid(3) });
    expect(stored).toEqual([CONVERSATION]);
    expect(store.get().order).toEqual([uuid(2), uuid(3)]);
    expect(store.get().byId[uuid(3)]).toMatchObject({ content: 'Answer', status: 'done' });
    expect(ended).toEqual([CONVERSATION]);
  });

  it('a temporary chat says so when it creates its conversation', async () => {
    const { turns, chats, setPlace } = setup();
    setPlace({ conversationId: null, temporary: true });
    turns.send('Secret');
    await flushPromises();
    expect(chats[0]!.input).toMatchObject({ conversationId: 'new', temporary: true, prompt: 'Secret' });
  });

  it('the next send goes after the last stored message shown', async () => {
    const { turns, chats, answer } = setup();
    turns.send('One');
    await flushPromises();
    answer({ user: uuid(2), assistant: uuid(3) });
    turns.send('Two');
    await flushPromises();
    expect(chats[1]!.input).toEqual({
      conversationId: CONVERSATION,
      prompt: 'Two',
      after: uuid(3),
      providerId: 'p',
      modelId: 'm',
      tools: 'auto',
    });
  });

  it('regenerate asks for a new version of the stored answer; edit for a new version of the question', async () => {
    const { turns, chats, answer, store } = setup();
    turns.send('One');
    await flushPromises();
    answer({ user: uuid(2), assistant: uuid(3) });
    turns.reask(uuid(3));
    await flushPromises();
    expect(chats[1]!.input).toMatchObject({ conversationId: CONVERSATION, regenerateOf: uuid(3) });
    expect(chats[1]!.input).not.toHaveProperty('prompt');
    answer({ user: null, assistant: uuid(4) });
    expect(store.get().order).toEqual([uuid(2), uuid(4)]);
    turns.edit(uuid(2), 'One, edited');
    await flushPromises();
    expect(chats[2]!.input).toMatchObject({
      conversationId: CONVERSATION,
      editOf: uuid(2),
      prompt: 'One, edited',
    });
    answer({ user: uuid(5), assistant: uuid(6) });
    expect(store.get().order).toEqual([uuid(5), uuid(6)]);
  });

  it('Retry of an answer the server never stored sends its question again, after the last stored message', async () => {
    const { turns, chats, answer, store } = setup();
    turns.send('One');
    await flushPromises();
    answer({ user: uuid(2), assistant: uuid(3) });
    const failing = setup({ failStart: { message: 'down', data: { errorCode: 'PROVIDER_UNREACHABLE' } } });
    // The same conversation state, with a chat.start that fails once.
    failing.store.set(store.get());
    failing.setPlace({ conversationId: CONVERSATION, temporary: false });
    failing.turns.send('Two');
    await flushPromises();
    const failed = failing.store.get().order.at(-1)!;
    expect(failing.store.get().byId[failed]).toMatchObject({ status: 'error' });
    // Retry goes through the working API.
    store.set(failing.store.get());
    turns.reask(failed);
    await flushPromises();
    expect(chats[1]!.input).toMatchObject({ conversationId: CONVERSATION, prompt: 'Two', after: uuid(3) });
  });

  it('Stop stops a stored chat by name (it would outlive its subscription); leaving only detaches', async () => {
    const { turns, chats, stopped, running } = setup();
    turns.send('Long one');
    await flushPromises();
    chats[0]!.emit(startEvent('c1', { user: uuid(2), assistant: uuid(3) }));
    expect(running.at(-1)).toEqual({ chatId: 'c1', conversationId: CONVERSATION, answerId: uuid(3) });
    turns.stop();
    expect(stopped).toEqual(['c1']);
    expect(running.at(-1)).toBeNull();

    turns.send('Another');
    await flushPromises();
    chats[1]!.emit(startEvent('c2', { user: uuid(4), assistant: uuid(5) }));
    turns.detach();
    expect(chats[1]!.unsubscribed).toBe(true);
    expect(stopped).toEqual(['c1']);
    expect(turns.busy).toBe(false);
  });

  it("the user's Stop asks the server to stop and ends the answer with the tokens it still sends, then its done", async () => {
    const { turns, chats, stopped, store, frame } = setup();
    turns.send('Long one');
    await flushPromises();
    chats[0]!.emit(startEvent('c1', { user: uuid(2), assistant: uuid(3) }));
    chats[0]!.emit({ type: 'token', text: 'Once upon' });
    frame();
    turns.requestStop();
    expect(stopped).toEqual(['c1']);
    // Still following: what the server relayed before the stop is on its way, and it is stored.
    expect(chats[0]!.unsubscribed).toBe(false);
    expect(turns.busy).toBe(true);
    chats[0]!.emit({ type: 'token', text: ' a time' });
    chats[0]!.emit(doneEvent('stopped'));
    frame();
    expect(store.get().byId[uuid(3)]).toMatchObject({ content: 'Once upon a time', status: 'stopped' });
    expect(turns.busy).toBe(false);
    expect(chats[0]!.unsubscribed).toBe(true);
  });

  it('Stop ends the answer here when the server sends no end in time, or when pressed again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { turns, chats, store, frame } = setup();
      turns.send('Long one');
      await vi.waitFor(() => expect(chats).toHaveLength(1));
      chats[0]!.emit(startEvent('c1', { user: uuid(2), assistant: uuid(3) }));
      chats[0]!.emit({ type: 'token', text: 'Once' });
      frame();
      turns.requestStop();
      vi.advanceTimersByTime(STOP_GRACE_MS - 1);
      expect(turns.busy).toBe(true);
      vi.advanceTimersByTime(1);
      expect(turns.busy).toBe(false);
      expect(chats[0]!.unsubscribed).toBe(true);
      expect(store.get().byId[uuid(3)]).toMatchObject({ content: 'Once', status: 'stopped' });

      turns.send('Another');
      await vi.waitFor(() => expect(chats).toHaveLength(2));
      chats[1]!.emit(startEvent('c2', { user: uuid(4), assistant: uuid(5) }));
      turns.requestStop();
      turns.requestStop();
      expect(turns.busy).toBe(false);
      expect(chats[1]!.unsubscribed).toBe(true);
      expect(store.get().byId[uuid(5)]).toMatchObject({ status: 'stopped' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('after a reload, follows the running chat again from its first event, replacing the text so far', async () => {
    const { turns, chats, store, frame } = setup();
    store.set({
      order: [uuid(2), uuid(3)],
      byId: {
        [uuid(2)]: { id: uuid(2), role: 'user', content: 'Q' },
        [uuid(3)]: {
          id: uuid(3),
          role: 'assistant',
          content: 'Once up',
          thinking: '',
          status: 'streaming',
          providerId: 'p',
          modelId: 'm',
          finishReason: null,
          stats: null,
          usage: null,
          error: null,
        },
      },
    });
    turns.reattach({ chatId: 'c1', conversationId: CONVERSATION, answerId: uuid(3) });
    expect(chats[0]!.after).toBe(0);
    chats[0]!.emit(startEvent('c1', { user: uuid(2), assistant: uuid(3) }));
    chats[0]!.emit({ type: 'token', text: 'Once upon a time' });
    frame();
    expect(store.get().byId[uuid(3)]).toMatchObject({ content: 'Once upon a time', status: 'streaming' });
    expect(store.get().order).toEqual([uuid(2), uuid(3)]);
  });

  it('a chat that ended before the reload leaves the stored answer as it is', async () => {
    const { turns, chats, store, ended } = setup();
    const before = {
      order: [uuid(2)],
      byId: { [uuid(2)]: { id: uuid(2), role: 'user' as const, content: 'Q' } },
    };
    store.set(before);
    turns.reattach({ chatId: 'c1', conversationId: CONVERSATION, answerId: uuid(3) });
    chats[0]!.fail({ message: 'gone', data: { errorCode: 'CHAT_NOT_FOUND', details: {} } });
    expect(turns.busy).toBe(false);
    expect(store.get()).toBe(before);
    expect(ended).toEqual([CONVERSATION]);
  });

  it('a server that knows no stored chats refuses their fields: the turn is sent again with its history', async () => {
    const store = createStore<Conversation>(emptyConversation);
    const inputs: Parameters<ChatApi['start']>[0][] = [];
    let stateless = false;
    const api: ChatApi = {
      async start(input) {
        inputs.push(input);
        if (input.conversationId !== undefined) {
          throw {
            message: 'Unrecognized keys: "conversationId", "prompt"',
            data: { errorCode: 'VALIDATION_ERROR', details: {} },
          };
        }
        return { chatId: 'c1', providerId: 'p', modelId: 'm' };
      },
      events: () => ({ unsubscribe: () => {} }),
    };
    const turns = new ChatTurns({
      store,
      api,
      choice: () => ({ providerId: 'p', modelId: 'm', systemPrompt: '' }),
      schedule: () => {},
      place: () => (stateless ? null : { conversationId: null, temporary: false }),
      onStoredChatsRefused: () => {
        stateless = true;
      },
    });
    turns.send('Hello');
    await flushPromises();
    await flushPromises();
    expect(inputs).toHaveLength(2);
    expect(inputs[1]).toEqual({
      messages: [{ role: 'user', content: 'Hello' }],
      providerId: 'p',
      modelId: 'm',
      tools: 'auto',
    });
    expect(turns.busy).toBe(true);
    expect(store.get().byId[store.get().order[1]!]).toMatchObject({ status: 'waiting', error: null });
  });
});
