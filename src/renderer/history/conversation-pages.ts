import type { QueryClient } from '@tanstack/react-query';
import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '../transport/app-router';

/** The first page fills a tall sidebar and no more: it is what the first paint waits for. */
export const FIRST_PAGE_SIZE = 30;
/** Later pages, loaded as the list scrolls. */
export const PAGE_SIZE = 50;

/**
 * The sidebar's pages of stored conversations (by cursor). The same options start the first page
 * when the app starts, before the sidebar's code has loaded, and serve the list when it renders.
 * (tRPC's own infinite options add a `direction` the strict input refuses; the key starts with the
 * procedure's path, so `conversations.list.pathFilter()` still finds it.)
 */
export const conversationPages = (client: TRPCClient<AppRouter>) => ({
  queryKey: [['conversations', 'list'], { pages: PAGE_SIZE, first: FIRST_PAGE_SIZE }] as const,
  queryFn: ({ pageParam }: { pageParam: string | null }) =>
    client.conversations.list.query({
      limit: pageParam === null ? FIRST_PAGE_SIZE : PAGE_SIZE,
      cursor: pageParam,
    }),
  initialPageParam: null as string | null,
  getNextPageParam: (page: { nextCursor: string | null }) => page.nextCursor ?? undefined,
});

/**
 * Asks for the first page now (at app start): a failure is left for the list to show and retry.
 * Resolves when it has been answered, either way.
 */
export function prefetchConversationPages(
  queryClient: QueryClient,
  client: TRPCClient<AppRouter>,
): Promise<void> {
  return queryClient.prefetchInfiniteQuery(conversationPages(client));
}
