import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, within } from '@testing-library/react';
import type { TRPCClient } from '@trpc/client';
import { describe, expect, it, vi } from 'vitest';
import { newConversation, type Conversation as StoredConversation } from '../../src/domain/conversation';
import { ConversationItem } from '../../src/renderer/history/ConversationItem';
import { AppStateProvider, createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';
import type { AppRouter } from '../../src/renderer/transport/app-router';
import { TRPCProvider } from '../../src/renderer/transport/trpc';

const uuid = (n: number) => `0197a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

function stored(n: number, fields: Partial<StoredConversation> = {}): StoredConversation {
  return newConversation({
    id: uuid(n),
    title: `Trip ${n}`,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    messageCount: 2,
    ...fields,
  });
}

/** Items as the sidebar's list renders them, over a fake API that records changes. */
function renderItems(conversations: StoredConversation[]) {
  const update = vi.fn(async (input: { id: string; title?: string; pinned?: boolean }) => stored(1, input));
  const remove = vi.fn(async () => ({}));
  const client = {
    conversations: { update: { mutate: update }, delete: { mutate: remove } },
  } as unknown as TRPCClient<AppRouter>;
  const api: ChatApi = {
    start: async () => ({ chatId: 'c', providerId: 'p', modelId: 'm' }),
    events: () => ({ unsubscribe: () => {} }),
  };
  const queryClient = new QueryClient();
  render(
    <MantineProvider>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={client} queryClient={queryClient}>
          <AppStateProvider state={createAppState({ api, storage: window.sessionStorage })}>
            <ul>
              {conversations.map((conversation) => (
                <li key={conversation.id}>
                  <ConversationItem conversation={conversation} active={false} />
                </li>
              ))}
            </ul>
          </AppStateProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { update, remove };
}

const actionsOf = (title: string) => screen.getByRole('button', { name: `Actions for ${title}` });
// Mantine hides a menu until floating-ui has placed it, which jsdom's empty layout never allows: the
// menu's queries include hidden elements.

describe('a conversation in the sidebar', () => {
  it('builds no menu and no Delete dialog until its actions are opened', () => {
    renderItems([stored(1), stored(2), stored(3)]);
    expect(screen.getAllByRole('button', { name: /^Actions for Trip / })).toHaveLength(3);
    // A closed Mantine Menu or Modal still leaves its root in the page (the Modal's in a portal).
    expect(
      document.querySelectorAll('.mantine-Modal-root, .mantine-Menu-dropdown, [role="menu"]'),
    ).toHaveLength(0);
    expect(actionsOf('Trip 2').getAttribute('aria-haspopup')).toBe('menu');
    expect(actionsOf('Trip 2').getAttribute('aria-expanded')).toBe('false');
  });

  it('is a few plain elements, no Mantine component, until it is acted on', () => {
    renderItems([stored(1), stored(2, { pinned: true })]);
    const [plain, pinned] = [...document.querySelectorAll('li')];
    // The row, the title's button and text, the ⋯ button (and the pin's mark).
    expect(plain!.querySelectorAll('*')).toHaveLength(4);
    expect(pinned!.querySelectorAll('*')).toHaveLength(5);
    // Mantine gives each of its components' root element a `mantine-<Component>-root` class.
    expect(document.querySelector('li [class*="-root"]')).toBeNull();
    expect(screen.getByRole('button', { name: 'Trip 1' }).getAttribute('type')).toBe('button');
    expect(screen.getByRole('button', { name: 'Trip 2' }).textContent).toBe('📌 Trip 2');
  });

  it('opens its menu on the first press, with Rename, Pin, Export and Delete', async () => {
    renderItems([stored(1), stored(2, { pinned: true })]);
    fireEvent.click(actionsOf('Trip 2'));
    const menu = await screen.findByRole('menu', { hidden: true });
    const names = [...menu.querySelectorAll('[role="menuitem"]')].map((item) => item.textContent);
    expect(names).toEqual(['Rename', 'Unpin', 'Export as Markdown', 'Export as JSON', 'Delete']);
    expect(actionsOf('Trip 2').getAttribute('aria-expanded')).toBe('true');
    // Only the item asked builds a menu.
    expect(screen.getAllByRole('menu', { hidden: true })).toHaveLength(1);
  });

  it('Pin and Rename change the conversation; Delete asks first', async () => {
    const { update, remove } = renderItems([stored(1)]);
    fireEvent.click(actionsOf('Trip 1'));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Pin', hidden: true }));
    await vi.waitFor(() => expect(update).toHaveBeenCalledWith({ id: uuid(1), pinned: true }));

    fireEvent.click(actionsOf('Trip 1'));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Rename', hidden: true }));
    const box = await screen.findByRole('textbox', { name: 'Title' });
    fireEvent.change(box, { target: { value: 'Kyoto in spring' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await vi.waitFor(() => expect(update).toHaveBeenCalledWith({ id: uuid(1), title: 'Kyoto in spring' }));

    fireEvent.click(actionsOf('Trip 1'));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Delete', hidden: true }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this conversation?' });
    expect(remove).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await vi.waitFor(() => expect(remove).toHaveBeenCalledWith({ id: uuid(1) }));
  });

  it('shows why a change failed under the item', async () => {
    const { update } = renderItems([stored(1)]);
    update.mockRejectedValueOnce(new Error('History is unavailable'));
    fireEvent.click(actionsOf('Trip 1'));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Pin', hidden: true }));
    expect((await screen.findByRole('alert')).textContent).toBe('History is unavailable');
  });
});
