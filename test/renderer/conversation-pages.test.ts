import { QueryClient } from '@tanstack/react-query';
import type { TRPCClient } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { describe, expect, it, vi } from 'vitest';
import {
  conversationPages,
  FIRST_PAGE_SIZE,
  PAGE_SIZE,
  prefetchConversationPages,
} from '../../src/renderer/history/conversation-pages';
import type { AppRouter } from '../../src/renderer/transport/app-router';

function fakeClient() {
  const query = vi.fn(async (input: { limit: number; cursor: string | null }) => ({
    items: [],
    nextCursor: input.cursor === null ? 'page-2' : null,
  }));
  const client = { conversations: { list: { query } } } as unknown as TRPCClient<AppRouter>;
  return { client, query };
}

describe("the sidebar's pages of conversations", () => {
  it('asks for a small first page when the app starts, and the list then uses it without asking again', async () => {
    const { client, query } = fakeClient();
    const queryClient = new QueryClient();
    prefetchConversationPages(queryClient, client);
    expect(query).toHaveBeenCalledWith({ limit: FIRST_PAGE_SIZE, cursor: null });
    await vi.waitFor(() =>
      expect(queryClient.getQueryData(conversationPages(client).queryKey)).toBeDefined(),
    );
    const pages = await queryClient.fetchInfiniteQuery({ ...conversationPages(client), staleTime: 5_000 });
    expect(query).toHaveBeenCalledTimes(1);
    expect(pages.pageParams).toEqual([null]);
    expect(FIRST_PAGE_SIZE).toBeLessThan(PAGE_SIZE);
  });

  it('loads later pages by cursor, and a change to history (the path filter) refreshes them', async () => {
    const { client, query } = fakeClient();
    const queryClient = new QueryClient();
    await queryClient.fetchInfiniteQuery({ ...conversationPages(client), pages: 2 });
    expect(query).toHaveBeenLastCalledWith({ limit: PAGE_SIZE, cursor: 'page-2' });
    const trpc = createTRPCOptionsProxy<AppRouter>({ client, queryClient });
    const matched = queryClient.getQueryCache().findAll(trpc.conversations.list.pathFilter());
    expect(matched.map((entry) => entry.queryKey)).toEqual([conversationPages(client).queryKey]);
  });
});
