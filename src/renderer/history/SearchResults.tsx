import { Box, Loader, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { SearchResult } from '../../domain/conversation';
import { useAppState } from '../state/app-state';
import { useTRPC } from '../transport/trpc';
import { titleOf } from './conversation-groups';
import { snippetParts } from './snippet-parts';

const SEARCH_DELAY_MS = 200;
const RESULTS = 30;

/** A snippet with its matches marked: built from text parts, never from the server's HTML. */
function Snippet({ snippet }: { snippet: string }) {
  return (
    <Text size="xs" c="dimmed" lineClamp={2}>
      {snippetParts(snippet).map((part, index) =>
        part.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never move
          <mark key={index}>{part.text}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never move
          <span key={index}>{part.text}</span>
        ),
      )}
    </Text>
  );
}

/**
 * Results as the user types (debounced): each with its conversation's title and the snippet; Enter in
 * the search box or a click opens the conversation at that message.
 */
export function SearchResults({
  query,
  submitted,
  onOpened,
}: {
  query: string;
  submitted: number;
  onOpened: () => void;
}) {
  const trpc = useTRPC();
  const { workspace } = useAppState();
  const [debounced] = useDebouncedValue(query.trim(), SEARCH_DELAY_MS);
  const search = useQuery(
    trpc.search.queryOptions(
      { query: debounced, limit: RESULTS },
      { enabled: debounced !== '', placeholderData: keepPreviousData },
    ),
  );
  const results = search.data ?? [];

  const choose = (result: SearchResult) => {
    void workspace
      ?.open(result.conversationId, result.messageId ? { through: result.messageId } : {})
      .then(onOpened, () => {});
  };

  // Enter in the search box opens the first result (of the query as typed, once it has arrived).
  const lastSubmitted = useRef(submitted);
  useEffect(() => {
    if (submitted === lastSubmitted.current) return;
    const first = search.data?.[0];
    if (debounced !== query.trim() || first === undefined) return;
    lastSubmitted.current = submitted;
    choose(first);
  });

  if (debounced === '' || (search.isPending && search.fetchStatus !== 'idle')) {
    return <Loader size="xs" mx="auto" aria-label="Searching" />;
  }
  if (search.isError) {
    return (
      <Text size="sm" c="red" role="alert">
        Search failed: {search.error.message}
      </Text>
    );
  }
  if (results.length === 0) {
    return (
      <Text size="sm" c="dimmed" ta="center" role="status" mt="md">
        No results
      </Text>
    );
  }
  return (
    <Box style={{ flex: 1, minHeight: 0, overflowY: 'auto' }} mx={-4}>
      <Stack gap={2} role="group" aria-label="Search results">
        {results.map((result) => (
          <UnstyledButton
            key={`${result.conversationId}:${result.messageId ?? 'title'}`}
            onClick={() => choose(result)}
            px={8}
            py={6}
            style={{ borderRadius: 'var(--mantine-radius-sm)' }}
          >
            <Text size="sm" fw={500} truncate="end">
              {titleOf({ title: result.conversationTitle })}
            </Text>
            <Snippet snippet={result.snippet} />
          </UnstyledButton>
        ))}
      </Stack>
    </Box>
  );
}
