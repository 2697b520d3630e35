import { MantineProvider } from '@mantine/core';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat';
import { answerReserve, messageTokens } from '../../src/domain/services/context-window';
import { Composer } from '../../src/renderer/components/Composer';
import { ConversationView } from '../../src/renderer/components/ConversationView';
import { AppStateProvider, createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';

/** The composer and transcript for an Ollama model with a 4,096-token window; the test emits the events. */
function renderChat(contextLength: number | null = 4096) {
  let emit: (event: ChatEvent) => void = () => {};
  const api: ChatApi = {
    start: async () => ({ chatId: 'c1', providerId: 'p', modelId: 'llama3.2' }),
    events(_chatId, handlers) {
      emit = handlers.onData;
      return { unsubscribe: () => {} };
    },
  };
  const state = createAppState({ api, storage: window.sessionStorage });
  state.modelInUse.set({
    providerType: 'ollama',
    model: {
      id: 'llama3.2',
      name: 'llama3.2',
      capabilities: ['completion'],
      ...(contextLength === null ? {} : { contextLength }),
    },
    providerPrompt: null,
  });
  render(
    <MantineProvider>
      <AppStateProvider state={state}>
        <ConversationView />
        <Composer />
      </AppStateProvider>
    </MantineProvider>,
  );
  return { state, emit: (event: ChatEvent) => act(() => emit(event)) };
}

const meter = () => screen.queryByRole('meter', { name: 'Context' });
const box = () => screen.getByRole('textbox', { name: 'Message' });
const type = (text: string) => fireEvent.change(box(), { target: { value: text } });
const done: ChatEvent = {
  type: 'done',
  finishReason: 'stop',
  providerId: 'p',
  modelId: 'llama3.2',
  usage: { promptTokens: 1, completionTokens: 1 },
  stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
};

describe('the context meter', () => {
  it('says how full the window is with the draft, by the estimator the server fits chats with', () => {
    renderChat();
    expect(meter()?.getAttribute('aria-valuetext')).toBe(`${messageTokens({ content: '' })} of 4,096 tokens`);
    const draft = 'word '.repeat(400);
    type(draft);
    expect(meter()?.getAttribute('aria-valuenow')).toBe(String(messageTokens({ content: draft })));
    expect(meter()?.getAttribute('aria-valuetext')).toBe(
      `${messageTokens({ content: draft }).toLocaleString('en-US')} of 4,096 tokens`,
    );
    expect(meter()?.dataset.state).toBe('fits');
  });

  it('counts the system prompt and the conversation, and warns when older messages will be left out', async () => {
    const app = renderChat();
    act(() => app.state.choice.set({ ...app.state.choice.get(), systemPrompt: 'Be brief.' }));
    const question = 'q '.repeat(3000);
    type(question);
    fireEvent.keyDown(box(), { key: 'Enter' });
    await act(async () => {});
    app.emit({ type: 'token', text: 'a '.repeat(2000) });
    app.emit(done);
    await screen.findByRole('button', { name: 'Copy' });
    const branch =
      messageTokens({ content: question.trim() }) + messageTokens({ content: 'a '.repeat(2000) });
    const system = messageTokens({ content: 'Be brief.' });
    expect(Number(meter()?.getAttribute('aria-valuenow'))).toBe(
      system + branch + messageTokens({ content: '' }),
    );
    expect(meter()?.dataset.state).toBe('fits');
    type('more '.repeat(1000));
    expect(system + branch + messageTokens({ content: 'more '.repeat(1000) })).toBeGreaterThan(
      4096 - answerReserve(4096, undefined),
    );
    expect(meter()?.dataset.state).toBe('dropping');
    expect(meter()?.getAttribute('aria-valuetext')).toContain('Older messages will be left out');
    expect(screen.getByText('Older messages dropped')).toBeTruthy();
  });

  it('follows the conversation’s own num_ctx', () => {
    const app = renderChat();
    act(() => app.state.open.set({ id: null, temporary: false, numCtx: 2048 }));
    expect(meter()?.getAttribute('aria-valuetext')).toMatch(/of 2,048 tokens$/);
  });

  it('is not shown when the model’s window is unknown', () => {
    renderChat(null);
    expect(meter()).toBeNull();
  });

  it('the answer says how many older messages the server left out', async () => {
    const app = renderChat();
    type('Hello');
    fireEvent.keyDown(box(), { key: 'Enter' });
    await act(async () => {});
    app.emit({ type: 'truncated', droppedMessages: 2 });
    app.emit({ type: 'token', text: 'Hi' });
    app.emit({ ...done, truncated: true });
    expect(
      await screen.findByText('2 older messages were left out to fit the model’s context window.'),
    ).toBeTruthy();
  });
});
