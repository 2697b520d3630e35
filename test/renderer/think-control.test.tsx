import { MantineProvider } from '@mantine/core';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ModelCapability } from '../../src/domain/provider';
import type { ProviderType } from '../../src/domain/provider-types';
import { Composer } from '../../src/renderer/components/Composer';
import { AppStateProvider, createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi, ChatStartInput } from '../../src/renderer/state/chat-turns';

/** The composer over a fake chat API that records what `chat.start` is sent, for one model. */
function renderWith(model: {
  providerType: ProviderType;
  id: string;
  capabilities: ModelCapability[] | null;
}) {
  const sent: ChatStartInput[] = [];
  const api: ChatApi = {
    async start(input) {
      sent.push(input);
      return { chatId: 'c1', providerId: 'p', modelId: model.id };
    },
    events: (_chatId, handlers) => {
      queueMicrotask(() =>
        handlers.onData({
          type: 'done',
          finishReason: 'stop',
          providerId: 'p',
          modelId: model.id,
          usage: { promptTokens: 1, completionTokens: 1 },
          stats: { ttftMs: 1, durationMs: 1, tokensPerS: 1 },
        }),
      );
      return { unsubscribe: () => {} };
    },
  };
  const state = createAppState({ api, storage: window.sessionStorage });
  state.modelInUse.set({
    providerType: model.providerType,
    model: { id: model.id, name: model.id, capabilities: model.capabilities },
    providerPrompt: null,
  });
  render(
    <MantineProvider>
      <AppStateProvider state={state}>
        <Composer />
      </AppStateProvider>
    </MantineProvider>,
  );
  const send = async (text: string) => {
    fireEvent.change(screen.getByRole('textbox', { name: 'Message' }), { target: { value: text } });
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Enter' });
    await waitFor(() => expect(sent.length).toBeGreaterThan(0));
    const last = sent.at(-1);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy());
    return last;
  };
  return { state, sent, send };
}

const thinkSwitch = () => screen.queryByRole('switch', { name: 'Think' });

describe('the Think switch', () => {
  it('is not offered for a model whose capabilities lack thinking (or say nothing)', () => {
    renderWith({ providerType: 'ollama', id: 'llama3.2', capabilities: ['completion'] });
    expect(thinkSwitch()).toBeNull();
  });

  it('is not offered when capabilities are unknown, and nothing is sent for thinking', async () => {
    const app = renderWith({ providerType: 'openai', id: 'gpt-4o-mini', capabilities: null });
    expect(thinkSwitch()).toBeNull();
    expect((await app.send('Hi'))?.options).toBeUndefined();
  });

  it('is on by default for an Ollama thinking model, with no level; off sends think: false', async () => {
    const app = renderWith({ providerType: 'ollama', id: 'qwen3', capabilities: ['completion', 'thinking'] });
    const toggle = thinkSwitch()!;
    expect(toggle).toHaveProperty('checked', true);
    expect(screen.queryByRole('combobox', { name: 'Thinking level' })).toBeNull();
    expect((await app.send('One'))?.options).toEqual({ think: true });
    fireEvent.click(toggle);
    expect(toggle).toHaveProperty('checked', false);
    expect(app.state.choice.get().think).toBe(false);
    expect((await app.send('Two'))?.options).toEqual({ think: false });
  });

  it('offers a level where the model takes one, and sends the level chosen', async () => {
    const app = renderWith({
      providerType: 'openai',
      id: 'o4-mini',
      capabilities: ['completion', 'thinking'],
    });
    const level = screen.getByRole('combobox', { name: 'Thinking level' });
    expect(level).toHaveProperty('value', 'medium');
    fireEvent.change(level, { target: { value: 'high' } });
    expect((await app.send('Hard one'))?.options).toEqual({ think: 'high' });
    fireEvent.click(thinkSwitch()!);
    expect(screen.queryByRole('combobox', { name: 'Thinking level' })).toBeNull();
    expect((await app.send('Easy one'))?.options).toEqual({ think: false });
  });

  it('takes levels for gpt-oss on Ollama, and follows the model in use', () => {
    const app = renderWith({
      providerType: 'ollama',
      id: 'gpt-oss:20b',
      capabilities: ['completion', 'thinking'],
    });
    expect(screen.getByRole('combobox', { name: 'Thinking level' })).toBeTruthy();
    act(() =>
      app.state.modelInUse.set({
        providerType: 'ollama',
        model: { id: 'llama3.2', name: 'llama3.2', capabilities: ['completion'] },
        providerPrompt: null,
      }),
    );
    expect(thinkSwitch()).toBeNull();
  });
});
