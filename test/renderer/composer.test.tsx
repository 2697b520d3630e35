import { MantineProvider } from '@mantine/core';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Profiler } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat';
import { Composer } from '../../src/renderer/components/Composer';
import { AppStateProvider, createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';

/** The app state over a fake API that records sent messages and lets the test emit events. */
function renderComposer() {
  const sent: string[] = [];
  let emit: (event: ChatEvent) => void = () => {};
  let unsubscribed = 0;
  const api: ChatApi = {
    async start(input) {
      sent.push(input.messages?.at(-1)?.content ?? '');
      return { chatId: 'c1', providerId: 'p', modelId: 'm' };
    },
    events(_chatId, handlers) {
      emit = handlers.onData;
      return { unsubscribe: () => unsubscribed++ };
    },
  };
  const state = createAppState({ api, storage: window.sessionStorage });
  let composerRenders = 0;
  render(
    <MantineProvider>
      <AppStateProvider state={state}>
        <Profiler id="composer" onRender={() => composerRenders++}>
          <Composer />
        </Profiler>
      </AppStateProvider>
    </MantineProvider>,
  );
  return {
    state,
    sent,
    emit: (event: ChatEvent) => emit(event),
    get unsubscribed() {
      return unsubscribed;
    },
    get composerRenders() {
      return composerRenders;
    },
  };
}

const box = () => screen.getByRole('textbox', { name: 'Message' });

describe('Composer', () => {
  it('Enter sends and clears the box; Shift+Enter does not send', async () => {
    const app = renderComposer();
    fireEvent.change(box(), { target: { value: 'First line' } });
    fireEvent.keyDown(box(), { key: 'Enter', shiftKey: true });
    expect(app.sent).toEqual([]);
    fireEvent.keyDown(box(), { key: 'Enter' });
    await waitFor(() => expect(app.sent).toEqual(['First line']));
    expect(box()).toHaveProperty('value', '');
  });

  it('Enter that confirms an IME composition does not send', async () => {
    const app = renderComposer();
    fireEvent.change(box(), { target: { value: 'にほんご' } });
    fireEvent.keyDown(box(), { key: 'Enter', isComposing: true });
    fireEvent.keyDown(box(), { key: 'Enter', keyCode: 229 });
    // Then a plain Enter on new text: had a composing Enter sent, it would come first (or block this).
    fireEvent.change(box(), { target: { value: 'after the composition' } });
    fireEvent.keyDown(box(), { key: 'Enter' });
    await waitFor(() => expect(app.sent).not.toEqual([]));
    expect(app.sent).toEqual(['after the composition']);
  });

  it('Send is disabled with an empty box and says why', () => {
    renderComposer();
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true);
    expect(screen.getByText(/Type a message/)).toBeTruthy();
  });

  it('shows Stop while streaming; Esc stops and keeps the partial answer', async () => {
    const app = renderComposer();
    fireEvent.change(box(), { target: { value: 'Tell me a story' } });
    fireEvent.keyDown(box(), { key: 'Enter' });
    expect(await screen.findByRole('button', { name: 'Stop' })).toBeTruthy();
    act(() => app.emit({ type: 'token', text: 'Once upon' }));
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(app.unsubscribed).toBe(1);
    const { order, byId } = app.state.conversation.get();
    expect(byId[order[1]!]).toMatchObject({ content: 'Once upon', status: 'stopped' });
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
  });

  it('does not re-render while tokens stream (it never reads the transcript)', async () => {
    const app = renderComposer();
    fireEvent.change(box(), { target: { value: 'Go' } });
    fireEvent.keyDown(box(), { key: 'Enter' });
    await screen.findByRole('button', { name: 'Stop' });
    const before = app.composerRenders;
    const answer = () => {
      const { order, byId } = app.state.conversation.get();
      return byId[order[1]!];
    };
    for (let i = 0; i < 20; i++) {
      act(() => app.emit({ type: 'token', text: `token${i} ` }));
      // Each token reaches the transcript (the stream buffer has flushed) before the next one.
      await waitFor(() => expect(answer()?.content).toContain(`token${i} `));
    }
    expect(app.composerRenders).toBe(before);
    expect(answer()).toMatchObject({ status: 'streaming' });
  });

  it('re-renders nothing on a key that changes neither Send nor the context estimate', () => {
    const app = renderComposer();
    fireEvent.change(box(), { target: { value: 'a' } });
    // The first character enables Send: that is a render.
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', false);
    const before = app.composerRenders;
    // 'a' to 'abcd' is one token by the estimate (four characters a token), and Send stays enabled.
    for (const value of ['ab', 'abc', 'abcd']) fireEvent.change(box(), { target: { value } });
    expect(app.composerRenders).toBe(before);
    expect(box()).toHaveProperty('value', 'abcd');
    // What is sent is what the box holds.
    fireEvent.keyDown(box(), { key: 'Enter' });
    expect(app.sent).toEqual(['abcd']);
    expect(box()).toHaveProperty('value', '');
  });

  it('grows with its text without measuring the page on each key (no forced layout while typing)', () => {
    renderComposer();
    // A script that sizes the box reads its computed style after every change: during a stream that
    // forces a layout of the whole transcript on each key. The browser sizes it (field-sizing) instead.
    const input = box();
    const measure = vi.spyOn(window, 'getComputedStyle');
    try {
      for (const value of ['a', 'ab', 'ab\nc', 'ab\ncd']) fireEvent.change(input, { target: { value } });
      expect(measure).not.toHaveBeenCalled();
      expect(input).toHaveProperty('value', 'ab\ncd');
    } finally {
      measure.mockRestore();
    }
  });
});
