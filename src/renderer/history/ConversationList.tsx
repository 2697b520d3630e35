import { Box, Loader, Text } from '@mantine/core';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { useAppState } from '../state/app-state';
import { useStore } from '../state/store';
import { useTRPC, useTRPCClient } from '../transport/trpc';
import { ConversationItem } from './ConversationItem';
import { listRows } from './conversation-groups';
import { conversationPages, PAGE_SIZE } from './conversation-pages';
import { LIST_OVERSCAN, ROW_HEIGHTS } from './row-heights';

/**
 * A page is fetched once the rows shown come this close to the end of what is loaded: a page ahead,
 * so that a fast scroll (3,000 px/s is 80 rows a second) finds the next rows already there.
 */
const FETCH_AHEAD_ROWS = PAGE_SIZE;

/**
 * The stored conversations, grouped by day, pinned first; only the rows in view are rendered, and
 * pages are loaded as the list scrolls. Changes anywhere (another tab or process) refresh it.
 */
export function ConversationList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { open, workspace } = useAppState();
  const openId = useStore(open, (value) => value.id);
  const client = useTRPCClient();
  // Pages by cursor; the first one was asked for when the app started.
  const list = useInfiniteQuery(conversationPages(client));

  // Which answers stream, in this tab, another one or another process: their items show a spinner.
  const streaming = useQuery({
    ...trpc.conversations.streaming.queryOptions(),
    select: (ids) => new Set(ids),
  });

  useEffect(
    () =>
      workspace?.onChange(() => {
        void queryClient.invalidateQueries(trpc.conversations.list.pathFilter());
        void queryClient.invalidateQueries(trpc.conversations.streaming.pathFilter());
      }),
    [workspace, queryClient, trpc],
  );

  const conversations = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const rows = useMemo(() => listRows(conversations, new Date()), [conversations]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => ROW_HEIGHTS[rows[index]?.type ?? 'conversation'],
    getItemKey: (index) => {
      const row = rows[index];
      return row?.type === 'conversation' ? row.conversation.id : `heading:${row?.name ?? index}`;
    },
    overscan: LIST_OVERSCAN,
    // The window's height until the list is laid out: its first render already has the rows in view
    // (without it, the first has none, and they come a render and a frame later).
    initialRect: { width: 0, height: window.innerHeight },
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = items.at(-1)?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastShown >= rows.length - FETCH_AHEAD_ROWS) {
      void fetchNextPage();
    }
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastShown, rows.length]);

  if (list.isPending) return <Loader size="xs" mx="auto" aria-label="Loading conversations" />;
  if (list.isError) {
    return (
      <Text size="sm" c="red" role="alert">
        Conversations could not be loaded: {list.error.message}
      </Text>
    );
  }
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" ta="center" mt="md">
        No conversations yet.
      </Text>
    );
  }
  return (
    <Box ref={scroller} style={{ flex: 1, minHeight: 0, overflowY: 'auto' }} mx={-4}>
      <ul
        style={{
          height: virtualizer.getTotalSize(),
          position: 'relative',
          margin: 0,
          padding: 0,
          listStyle: 'none',
        }}
      >
        {items.map((item) => {
          const row = rows[item.index]!;
          return (
            <li
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                transform: `translateY(${item.start}px)`,
              }}
            >
              {row.type === 'heading' ? (
                <p className="lc-conversation-heading">{row.name}</p>
              ) : (
                <ConversationItem
                  conversation={row.conversation}
                  active={row.conversation.id === openId}
                  streaming={streaming.data?.has(row.conversation.id) === true}
                />
              )}
            </li>
          );
        })}
      </ul>
      {isFetchingNextPage && <Loader size="xs" mx="auto" display="block" my="xs" />}
    </Box>
  );
}
