import { MantineProvider } from '@mantine/core';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newConversation, type Conversation as StoredConversation } from '../../src/domain/conversation';
import type { ModelInfo, ProviderInfo } from '../../src/domain/provider';
import { Composer } from '../../src/renderer/components/Composer';
import { toolsOffered } from '../../src/renderer/components/selection';
import { AppStateProvider, createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi, ChatStartInput } from '../../src/renderer/state/chat-turns';
import type { ConversationPatch, HistoryApi } from '../../src/renderer/transport/history-api';

const ID = '0197a000-0000-7000-8000-000000000001';

/** A composer over a fake chat API that records what each send asked for. */
function renderComposer(options: { toolsOffered: boolean; history?: HistoryApi }) {
  const sent: ChatStartInput[] = [];
  const api: ChatApi = {
    async start(input) {
      sent.push(input);
      return { chatId: `c${sent.length}`, providerId: 'p', modelId: 'm' };
    },
    events: () => ({ unsubscribe: () => {} }),
  };
  const state = createAppState({ api, history: options.history, storage: window.sessionStorage });
  render(
    <MantineProvider>
      <AppStateProvider state={state}>
        <Composer toolsOffered={options.toolsOffered} />
      </AppStateProvider>
    </MantineProvider>,
  );
  const send = async (text: string) => {
    fireEvent.change(screen.getByRole('textbox', { name: 'Message' }), { target: { value: text } });
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Enter' });
    await act(async () => {});
    // The next send waits for this answer to end.
    act(() => state.turns.stop());
  };
  return { state, sent, send };
}

const toolsSwitch = () => screen.getByRole('switch', { name: 'Tools' });

afterEach(() => {
  vi.useRealTimers();
});

describe('the Tools switch', () => {
  it('is not shown when the model cannot use tools or no MCP server is enabled', () => {
    renderComposer({ toolsOffered: false });
    expect(screen.queryByRole('switch', { name: 'Tools' })).toBeNull();
  });

  it('is on by default and sends tools "auto"; off, the next request sends "none"', async () => {
    const app = renderComposer({ toolsOffered: true });
    expect(toolsSwitch()).toHaveProperty('checked', true);
    await app.send('List my notes');
    expect(app.sent[0]?.tools).toBe('auto');
    fireEvent.click(toolsSwitch());
    expect(toolsSwitch()).toHaveProperty('checked', false);
    await app.send('Now without tools');
    expect(app.sent[1]?.tools).toBe('none');
  });

  it('is remembered per conversation: saved to the open one, restored when it is opened again', async () => {
    const conversation: StoredConversation = newConversation({
      id: ID,
      title: 'Notes',
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      providerId: 'p',
      modelId: 'm',
      tools: 'none',
    });
    const patches: ConversationPatch[] = [];
    const history: HistoryApi = {
      status: async () => ({ available: true, path: '/data/lightchat.db' }),
      get: async () => ({ conversation, messages: [] }),
      update: async (_id, patch) => {
        patches.push(patch);
        return conversation;
      },
      deleteMessage: async () => ({}),
      onChange: () => () => {},
    };
    const app = renderComposer({ toolsOffered: true, history });
    await act(() => app.state.workspace!.open(ID));
    expect(toolsSwitch()).toHaveProperty('checked', false);
    vi.useFakeTimers();
    fireEvent.click(toolsSwitch());
    await act(() => vi.runAllTimersAsync());
    expect(patches).toEqual([{ tools: 'auto' }]);
    // A new chat starts with the switch on again.
    act(() => app.state.workspace!.newChat());
    expect(toolsSwitch()).toHaveProperty('checked', true);
  });
});

describe('toolsOffered', () => {
  const model = (capabilities: ModelInfo['capabilities']): ModelInfo => ({
    id: 'm',
    name: 'm',
    capabilities,
  });
  const provider = (type: ProviderInfo['type']) => ({ type }) as ProviderInfo;
  const servers = { files: { enabled: true } };

  it.each([
    [
      'a tools model with an enabled server',
      model(['completion', 'tools']),
      provider('ollama'),
      servers,
      true,
    ],
    ['a model without tools', model(['completion', 'vision']), provider('ollama'), servers, false],
    ['unknown capabilities on an OpenAI-compatible server', model(null), provider('openai'), servers, true],
    ['unknown capabilities on Ollama (it always says)', model(null), provider('ollama'), servers, false],
    ['no MCP server', model(['tools']), provider('ollama'), {}, false],
    ['only disabled servers', model(['tools']), provider('ollama'), { files: { enabled: false } }, false],
    ['no model chosen', undefined, provider('openai'), servers, false],
  ])('%s: %s', (_name, chosen, where, mcpServers, shown) => {
    expect(toolsOffered({ model: chosen, provider: where, mcpServers })).toBe(shown);
  });
});
