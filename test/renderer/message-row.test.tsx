import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat';
import { createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';
import { renderConversationView } from './support/conversation-view';

/** A transcript over a fake API whose events the test emits, flushed at once (no frames in jsdom). */
function renderTranscript() {
  let emit: (event: ChatEvent) => void = () => {};
  const api: ChatApi = {
    start: async () => ({ chatId: 'c1', providerId: 'p', modelId: 'm' }),
    events(_chatId, handlers) {
      emit = handlers.onData;
      return { unsubscribe: () => {} };
    },
  };
  const state = createAppState({ api, storage: window.sessionStorage });
  renderConversationView(state);
  return { state, emit: (event: ChatEvent) => emit(event) };
}

/** Whether the row holding this article is one the browser may skip off screen. */
const skippable = (article: HTMLElement) => article.closest('.lc-finished-message') !== null;

describe('Transcript rows', () => {
  it('lets the browser skip finished messages off screen, never the answer still streaming', async () => {
    const app = renderTranscript();
    act(() => app.state.turns.send('Hello'));
    await act(async () => {});
    act(() => app.emit({ type: 'token', text: 'Hi' }));
    const answer = await screen.findByRole('article', { name: 'Assistant message' });
    expect(skippable(screen.getByRole('article', { name: 'User message' }))).toBe(true);
    expect(skippable(answer)).toBe(false);

    act(() =>
      app.emit({
        type: 'done',
        finishReason: 'stop',
        providerId: 'p',
        modelId: 'm',
        usage: { promptTokens: 1, completionTokens: 1 },
        stats: { ttftMs: 1, durationMs: 2, tokensPerS: 1 },
      }),
    );
    await screen.findByRole('button', { name: 'Copy' });
    expect(skippable(screen.getByRole('article', { name: 'Assistant message' }))).toBe(true);
  });
});
