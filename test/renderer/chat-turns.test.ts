import { describe, expect, it, vi } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat';
import { type ChatApi, ChatTurns } from '../../src/renderer/state/chat-turns';
import {
  type AssistantMessage,
  type Conversation,
  emptyConversation,
} from '../../src/renderer/state/conversation';
import { createStore } from '../../src/renderer/state/store';

interface FakeChat {
  input: Parameters<ChatApi['start']>[0];
  emit: (event: ChatEvent) => void;
  fail: (error: unknown) => void;
  unsubscribed: boolean;
}

/** A ChatApi whose chats the test drives; `failStart` makes `chat.start` throw. */
function fakeApi(options: { failStart?: unknown } = {}) {
  const chats: FakeChat[] = [];
  const api: ChatApi = {
    async start(input) {
      if (options.failStart !== undefined) throw options.failStart;
      chats.push({ input, emit: () => {}, fail: () => {}, unsubscribed: false });
      return {
        chatId: `c${chats.length}`,
        providerId: input.providerId ?? 'ollama_local',
        modelId: input.modelId ?? 'm',
      };
    },
    events(chatId, handlers) {
      const chat = chats[Number(chatId.slice(1)) - 1]!;
      chat.emit = handlers.onData;
      chat.fail = handlers.onError;
      return {
        unsubscribe: () => {
          chat.unsubscribed = true;
        },
      };
    },
  };
  return { api, chats };
}

function setup(options: { failStart?: unknown } = {}) {
  const store = createStore<Conversation>(emptyConversation);
  const { api, chats } = fakeApi(options);
  let frames: (() => void)[] = [];
  const turns = new ChatTurns({
    store,
    api,
    choice: () => ({ providerId: 'ollama_local', modelId: 'llama3.2', systemPrompt: 'Be brief.' }),
    schedule: (flush) => frames.push(flush),
  });
  const frame = () => {
    const run = frames;
    frames = [];
    for (const flush of run) flush();
  };
  const lastAnswer = () => {
    const state = store.get();
    return state.byId[state.order.at(-1)!] as AssistantMessage;
  };
  return { store, chats, turns, frame, lastAnswer };
}

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));
const done: ChatEvent = {
  type: 'done',
  finishReason: 'stop',
  providerId: 'ollama_local',
  modelId: 'llama3.2',
  usage: { promptTokens: 1, completionTokens: 2 },
  stats: { ttftMs: 5, durationMs: 10, tokensPerS: 200 },
};

describe('ChatTurns', () => {
  it('sends the history with the chosen provider, model and system prompt', async () => {
    const { turns, chats } = setup();
    turns.send('  Hello  ');
    await flushPromises();
    expect(chats[0]!.input).toEqual({
      messages: [{ role: 'user', content: 'Hello' }],
      providerId: 'ollama_local',
      modelId: 'llama3.2',
      systemPrompt: 'Be brief.',
      tools: 'auto',
    });
  });

  it('commits tokens once per frame, not once per token', async () => {
    const { turns, chats, store, frame, lastAnswer } = setup();
    const commits = vi.fn();
    store.subscribe(commits);
    turns.send('Hi');
    await flushPromises();
    commits.mockClear();
    for (const word of ['a', 'b', 'c', 'd', 'e']) chats[0]!.emit({ type: 'token', text: word });
    expect(commits).not.toHaveBeenCalled();
    frame();
    expect(commits).toHaveBeenCalledTimes(1);
    expect(lastAnswer().content).toBe('abcde');
  });

  it('Stop keeps the partial answer, marks it stopped and unsubscribes (which aborts upstream)', async () => {
    const { turns, chats, lastAnswer } = setup();
    turns.send('Hi');
    await flushPromises();
    chats[0]!.emit({ type: 'token', text: 'Partial ' });
    turns.stop();
    expect(chats[0]!.unsubscribed).toBe(true);
    expect(lastAnswer()).toMatchObject({ content: 'Partial ', status: 'stopped' });
    expect(turns.busy).toBe(false);
  });

  it('a failure to start the chat shows inline as a readable error', async () => {
    const { turns, lastAnswer } = setup({
      failStart: {
        message: 'Ollama is not running at http://127.0.0.1:11434 — start it with `ollama serve`',
        data: { errorCode: 'PROVIDER_UNREACHABLE', details: {} },
      },
    });
    turns.send('Hi');
    await flushPromises();
    expect(lastAnswer()).toMatchObject({
      status: 'error',
      error: { code: 'PROVIDER_UNREACHABLE', message: expect.stringContaining('ollama serve') },
    });
    expect(turns.busy).toBe(false);
  });

  it('a lost connection mid-stream ends the answer with a NETWORK error after the text received', async () => {
    const { turns, chats, frame, lastAnswer } = setup();
    turns.send('Hi');
    await flushPromises();
    chats[0]!.emit({ type: 'token', text: 'So far' });
    chats[0]!.fail(new TypeError('Failed to fetch'));
    frame();
    expect(lastAnswer()).toMatchObject({ content: 'So far', status: 'error', error: { code: 'NETWORK' } });
  });

  it('regenerate asks again with the same history', async () => {
    const { turns, chats, frame, store } = setup();
    turns.send('Q');
    await flushPromises();
    chats[0]!.emit({ type: 'token', text: 'first' });
    chats[0]!.emit(done);
    frame();
    const firstAnswer = store.get().order[1]!;
    turns.reask(firstAnswer);
    await flushPromises();
    expect(chats[1]!.input.messages).toEqual(chats[0]!.input.messages);
    expect(store.get().order).toHaveLength(2);
    expect(store.get().order[1]).not.toBe(firstAnswer);
  });

  it('editing a message stops the answer in flight and re-sends from the edit', async () => {
    const { turns, chats, store } = setup();
    turns.send('Original');
    await flushPromises();
    const userId = store.get().order[0]!;
    turns.edit(userId, 'Edited');
    await flushPromises();
    expect(chats[0]!.unsubscribed).toBe(true);
    expect(chats[1]!.input.messages).toEqual([{ role: 'user', content: 'Edited' }]);
  });

  it('sends nothing while an answer is streaming', async () => {
    const { turns, chats } = setup();
    turns.send('one');
    turns.send('two');
    await flushPromises();
    expect(chats).toHaveLength(1);
  });
});
