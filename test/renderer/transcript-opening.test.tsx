import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PAINTED_FIRST, SHOWN_AT_FIRST } from '../../src/renderer/components/transcript-window';
import { createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';
import type { Message } from '../../src/renderer/state/conversation';
import { renderConversationView } from './support/conversation-view';

const idle: ChatApi = {
  start: async () => ({ chatId: 'c1', providerId: 'p', modelId: 'm' }),
  events: () => ({ unsubscribe: () => {} }),
};

const shownIds = () =>
  [...screen.getByRole('region', { name: 'Conversation' }).querySelectorAll('[data-message-id]')].map((row) =>
    row.getAttribute('data-message-id'),
  );

describe('opening a long conversation', () => {
  it('renders only its latest few messages before the first paint, and the rest of the first part after it', async () => {
    const order = openLongConversation();
    // The commit the browser paints first: the latest rows only (jsdom has no layout to fill).
    expect(shownIds()).toEqual(order.slice(-PAINTED_FIRST));
    await waitFor(() => expect(shownIds()).toHaveLength(SHOWN_AT_FIRST));
    expect(shownIds()).toEqual(order.slice(-SHOWN_AT_FIRST));
    expect(
      screen.getByRole('button', { name: `Show earlier messages (${2000 - SHOWN_AT_FIRST})` }),
    ).toBeTruthy();
  });

  it('does not take its own scroll to the latest rows, near the top of the few painted first, for the user asking for earlier ones', async () => {
    const order = openLongConversation();
    expect(shownIds()).toHaveLength(PAINTED_FIRST);
    // The scroll event of the page's own scroll to the bottom, while only the first few are there
    // (jsdom's scrollTop is 0: within reach of the top).
    fireEvent.scroll(screen.getByRole('region', { name: 'Conversation' }));
    await waitFor(() => expect(shownIds()).toHaveLength(SHOWN_AT_FIRST));
    expect(shownIds()).toEqual(order.slice(-SHOWN_AT_FIRST));
  });
});

/** The transcript opening a conversation of 2,000 messages; returns their ids in order. */
function openLongConversation(): string[] {
  const state = createAppState({ api: idle, storage: window.sessionStorage });
  renderConversationView(state);
  const order = Array.from({ length: 2000 }, (_, index) => `m${index}`);
  const byId: Record<string, Message> = Object.fromEntries(order.map((id, at) => [id, messageAt(id, at)]));
  act(() => state.conversation.set({ order, byId }));
  return order;
}

/** Questions and answers in turn. */
function messageAt(id: string, at: number): Message {
  if (at % 2 === 0) return { id, role: 'user', content: `Question ${id}` };
  return {
    id,
    role: 'assistant',
    content: `Answer ${id}`,
    thinking: '',
    status: 'done',
    providerId: 'p',
    modelId: 'm',
    finishReason: 'stop',
    stats: null,
    usage: null,
    error: null,
  };
}
