import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  newMessage,
  type Conversation as StoredConversation,
  type Message as StoredMessage,
} from '../../src/domain/conversation';
import { createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';
import { fromStored, mergeStored } from '../../src/renderer/state/stored-conversation';
import type { ConversationPatch, HistoryApi } from '../../src/renderer/transport/history-api';

const ID = '0197a000-0000-7000-8000-000000000001';
const uuid = (n: number) => `0197a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

function storedConversation(fields: Partial<StoredConversation> = {}): StoredConversation {
  return {
    id: ID,
    title: 'Kyoto',
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    pinned: false,
    temporary: false,
    providerId: 'fake_openai',
    modelId: 'gpt-4o-mini',
    systemPrompt: 'Talk like a pirate.',
    numCtx: null,
    think: null,
    currentLeafId: uuid(3),
    messageCount: 2,
    ...fields,
  };
}

function message(n: number, fields: Partial<StoredMessage>): StoredMessage {
  const at = '2026-12-01T10:00:00.000Z';
  return {
    ...newMessage({
      id: uuid(n),
      conversationId: ID,
      parentId: null,
      role: 'user',
      createdAt: at,
      updatedAt: at,
    }),
    seq: n,
    siblingIds: [uuid(n)],
    ...fields,
  };
}

const branch = [
  message(2, { role: 'user', content: 'Plan a trip' }),
  message(3, {
    role: 'assistant',
    parentId: uuid(2),
    content: 'Day one…',
    status: 'interrupted',
    siblingIds: [uuid(9), uuid(3)],
  }),
];

const noChat: ChatApi = {
  start: () => Promise.reject(new Error('no chat in this test')),
  events: () => ({ unsubscribe: () => {} }),
};

function fakeHistory(conversation = storedConversation()) {
  const patches: { id: string; patch: ConversationPatch }[] = [];
  let changed: (id: string | null) => void = () => {};
  const api: HistoryApi = {
    status: async () => ({ available: true, path: '/data/lightchat.db' }),
    get: vi.fn(async (id: string) => {
      if (id !== ID) throw { message: 'gone', data: { errorCode: 'CONVERSATION_NOT_FOUND', details: {} } };
      return { conversation, messages: branch, earlier: 0 };
    }),
    update: async (id, patch) => {
      patches.push({ id, patch });
      return conversation;
    },
    deleteMessage: async () => ({ deleted: true }),
    onChange: (listener) => {
      changed = listener;
      return () => {};
    },
  };
  return { api, patches, change: (id: string | null) => changed(id) };
}

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('the conversation workspace', () => {
  it('opening a conversation shows its branch and restores its provider, model and system prompt', async () => {
    const history = fakeHistory();
    const state = createAppState({ api: noChat, history: history.api, storage: window.sessionStorage });
    await state.workspace!.open(ID);
    expect(state.open.get()).toEqual({ id: ID, temporary: false });
    expect(state.conversation.get().order).toEqual([uuid(2), uuid(3)]);
    expect(state.conversation.get().byId[uuid(3)]).toMatchObject({
      status: 'interrupted',
      finishReason: 'interrupted',
      content: 'Day one…',
      siblingIds: [uuid(9), uuid(3)],
    });
    expect(state.choice.get()).toEqual({
      providerId: 'fake_openai',
      modelId: 'gpt-4o-mini',
      systemPrompt: 'Talk like a pirate.',
      think: null,
      tools: true,
    });
    state.dispose();
  });

  it('tells its listeners a conversation is being opened once its messages have been asked for, before they come', async () => {
    const history = fakeHistory();
    const state = createAppState({ api: noChat, history: history.api, storage: window.sessionStorage });
    // What showing it needs (the Markdown renderer's chunk) loads beside the request, not after it.
    const asked: number[] = [];
    state.workspace!.onOpening(() => asked.push(vi.mocked(history.api.get).mock.calls.length));
    const opened = state.workspace!.open(ID);
    expect(asked).toEqual([1]);
    expect(state.open.get().id).toBeNull();
    await opened;
    expect(asked).toEqual([1]);
    state.dispose();
  });

  it('a new chat starts empty with the defaults, and is not a stored conversation yet', async () => {
    const history = fakeHistory();
    const state = createAppState({ api: noChat, history: history.api, storage: window.sessionStorage });
    await state.workspace!.open(ID);
    state.workspace!.newChat();
    expect(state.open.get()).toEqual({ id: null, temporary: false });
    expect(state.conversation.get().order).toEqual([]);
    expect(state.choice.get()).toEqual({ providerId: null, modelId: null, systemPrompt: '', think: null });
    state.dispose();
  });

  it('saves a changed system prompt or model to the open conversation', async () => {
    const history = fakeHistory();
    const state = createAppState({ api: noChat, history: history.api, storage: window.sessionStorage });
    await state.workspace!.open(ID);
    vi.useFakeTimers();
    state.choice.set({ ...state.choice.get(), systemPrompt: 'Be brief.' });
    state.choice.set({ ...state.choice.get(), modelId: 'gpt-5' });
    await vi.runAllTimersAsync();
    expect(history.patches).toEqual([{ id: ID, patch: { systemPrompt: 'Be brief.', modelId: 'gpt-5' } }]);
    state.dispose();
  });

  it("restores the conversation's Think switch and saves it when it changes", async () => {
    const history = fakeHistory(storedConversation({ think: false }));
    const state = createAppState({ api: noChat, history: history.api, storage: window.sessionStorage });
    await state.workspace!.open(ID);
    expect(state.choice.get().think).toBe(false);
    vi.useFakeTimers();
    state.choice.set({ ...state.choice.get(), think: 'high' });
    await vi.runAllTimersAsync();
    expect(history.patches).toEqual([{ id: ID, patch: { think: 'high' } }]);
    state.workspace!.newChat();
    expect(state.choice.get().think).toBeNull();
    state.dispose();
  });

  it('a reload reopens the conversation of the last visit from the server', async () => {
    const history = fakeHistory();
    const first = createAppState({ api: noChat, history: history.api, storage: window.sessionStorage });
    await first.workspace!.open(ID);
    first.dispose();
    const second = createAppState({
      api: noChat,
      history: fakeHistory().api,
      storage: window.sessionStorage,
    });
    await flushPromises();
    expect(second.open.get().id).toBe(ID);
    expect(second.conversation.get().order).toEqual([uuid(2), uuid(3)]);
    second.dispose();
  });

  it('follows changes to the open conversation made elsewhere, and starts afresh when it was deleted', async () => {
    const history = fakeHistory();
    const state = createAppState({ api: noChat, history: history.api, storage: window.sessionStorage });
    await state.workspace!.open(ID);
    const calls = vi.mocked(history.api.get).mock.calls.length;
    history.change(ID);
    await flushPromises();
    expect(vi.mocked(history.api.get).mock.calls.length).toBe(calls + 1);
    vi.mocked(history.api.get).mockRejectedValueOnce({
      message: 'gone',
      data: { errorCode: 'CONVERSATION_NOT_FOUND', details: {} },
    });
    history.change(ID);
    await flushPromises();
    expect(state.open.get().id).toBeNull();
    expect(state.conversation.get().order).toEqual([]);
    state.dispose();
  });

  it('opens a long conversation on its latest messages, loads earlier ones on demand, and refreshes only the latest', async () => {
    const long = Array.from({ length: 100 }, (_, index) =>
      message(100 + index, { content: `message ${index}`, role: index % 2 === 0 ? 'user' : 'assistant' }),
    );
    const history = fakeHistory();
    vi.mocked(history.api.get).mockImplementation(async (_id, window = {}) => {
      const end = window.before === undefined ? long.length : long.findIndex((m) => m.id === window.before);
      const start = window.last === undefined ? 0 : Math.max(0, end - window.last);
      return { conversation: storedConversation(), messages: long.slice(start, end), earlier: start };
    });
    const state = createAppState({ api: noChat, history: history.api, storage: window.sessionStorage });
    const workspace = state.workspace!;
    await workspace.open(ID);
    expect(vi.mocked(history.api.get)).toHaveBeenLastCalledWith(ID, { last: 40 });
    expect(state.conversation.get().order).toEqual(long.slice(60).map((m) => m.id));
    expect(workspace.earlier.get()).toBe(60);
    await workspace.loadEarlier();
    expect(state.conversation.get().order).toEqual(long.slice(20).map((m) => m.id));
    expect(workspace.earlier.get()).toBe(20);
    // Another window added a turn: the refresh asks for the latest part and keeps what was loaded above it.
    long.push(message(300, { content: 'new question' }), message(301, { content: 'new answer' }));
    history.change(ID);
    await flushPromises();
    expect(vi.mocked(history.api.get)).toHaveBeenLastCalledWith(ID, { last: 40 });
    expect(state.conversation.get().order).toEqual(long.slice(20).map((m) => m.id));
    expect(workspace.earlier.get()).toBe(20);
    await workspace.loadEarlier();
    expect(state.conversation.get().order).toEqual(long.map((m) => m.id));
    expect(workspace.earlier.get()).toBe(0);
    const calls = vi.mocked(history.api.get).mock.calls.length;
    await workspace.loadEarlier();
    expect(vi.mocked(history.api.get).mock.calls.length).toBe(calls);
    workspace.newChat();
    expect(workspace.earlier.get()).toBe(0);
    state.dispose();
  });

  it('a read that comes before the answer’s last text is written keeps the text the window has, and takes the versions', () => {
    const local = fromStored([
      branch[0]!,
      { ...branch[1]!, status: 'done', content: 'Day one, then day two.', siblingIds: [uuid(3)] },
    ]);
    const lagging = [branch[0]!, { ...branch[1]!, status: 'streaming' as const, content: 'Day one' }];
    const merged = mergeStored(local, lagging);
    expect(merged.byId[uuid(3)]).toMatchObject({
      content: 'Day one, then day two.',
      status: 'done',
      siblingIds: [uuid(9), uuid(3)],
    });
    // A server copy that is complete wins.
    const complete = [
      branch[0]!,
      { ...branch[1]!, status: 'done' as const, content: 'Day one, then day two!' },
    ];
    expect(mergeStored(local, complete).byId[uuid(3)]).toMatchObject({ content: 'Day one, then day two!' });
  });
});
