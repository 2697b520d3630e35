import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';
import type { Message } from '../../src/renderer/state/conversation';
import { renderConversationView } from './support/conversation-view';

const idle: ChatApi = {
  start: async () => ({ chatId: 'c1', providerId: 'p', modelId: 'm' }),
  events: () => ({ unsubscribe: () => {} }),
};

/** A transcript of `count` user messages `m0`… (more than it renders at first), painted. */
async function renderMessages(count: number) {
  const state = createAppState({ api: idle, storage: window.sessionStorage });
  const order = Array.from({ length: count }, (_, index) => `m${index}`);
  const byId: Record<string, Message> = Object.fromEntries(
    order.map((id) => [id, { id, role: 'user', content: `Message number ${id}` }]),
  );
  act(() => state.conversation.set({ order, byId }));
  const view = renderConversationView(state);
  const region = screen.getByRole('region', { name: 'Conversation' });
  // Its latest rows are painted first, the rest of the first 20 right after.
  await waitFor(() => expect(shownIds(region)).toHaveLength(Math.min(count, 20)));
  return { ...view, region };
}

const earlierButton = () => screen.queryByRole('button', { name: /Show earlier messages/ });
const shownIds = (region: HTMLElement) =>
  [...region.querySelectorAll('[data-message-id]')].map((row) => row.getAttribute('data-message-id'));

describe('Show earlier messages, by keyboard', () => {
  it('stays, with the focus, when focusing it scrolls it into view', async () => {
    const { region } = await renderMessages(24);
    const button = earlierButton();
    if (!button) throw new Error('no Show earlier messages button');
    expect(shownIds(region)).toHaveLength(20);
    act(() => button.focus());
    // What the browser does when a focused element is out of view: scroll it in (near the top).
    fireEvent.scroll(region);
    expect(earlierButton()).toBe(button);
    expect(document.activeElement).toBe(button);
    expect(shownIds(region)).toHaveLength(20);
  });

  it('moves the focus to the message just above where the reader was once pressed', async () => {
    const { region } = await renderMessages(24);
    const button = earlierButton();
    if (!button) throw new Error('no Show earlier messages button');
    act(() => button.focus());
    fireEvent.click(button);
    expect(shownIds(region)).toHaveLength(24);
    // The button went (nothing is hidden any more): the focus did not fall to the page's body.
    expect(earlierButton()).toBeNull();
    expect(document.activeElement?.getAttribute('data-message-id')).toBe('m3');
  });

  it('still renders earlier rows when the reader scrolls up without the button focused', async () => {
    const { region } = await renderMessages(24);
    fireEvent.scroll(region);
    expect(shownIds(region)).toHaveLength(24);
  });
});
