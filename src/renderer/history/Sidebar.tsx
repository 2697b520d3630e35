import { Box, Button, Stack, Text, TextInput } from '@mantine/core';
import { type RefObject, useState } from 'react';
import { createStore, useStore } from '../state/store';
// The list's rows: in the first screen's stylesheet, so the list's chunk has none of its own to wait for.
import './conversation-item.css';

type SidebarBodyPart = { body: typeof import('./SidebarBody').default } | { failed: string } | null;

/**
 * The list (virtualised), search results, menus and dialogs: none of it is needed for the app's first
 * paint. Its code is fetched as soon as this module runs, beside the list's first page (main.tsx), and
 * shown the moment it arrives. Not through React.lazy: React holds back what a Suspense boundary
 * reveals until 300 ms after the last fallback it showed, and the first paint shows several (the
 * header's lazy selects and menu), so the list would wait for that instead of its code and data.
 */
const sidebarBody = createStore<SidebarBodyPart>(null);
/** Settles once the list's code has arrived (or failed to): the app's first commit waits for it. */
export const sidebarBodyLoaded: Promise<void> = import('./SidebarBody').then(
  (module) => sidebarBody.set({ body: module.default }),
  (error: unknown) => sidebarBody.set({ failed: error instanceof Error ? error.message : String(error) }),
);

export const SIDEBAR_WIDTH = 280;

/**
 * The `Conversations` landmark: New chat, the search box, then (loaded lazily) the Temporary chat
 * switch and the list, or the search results while there is a query.
 */
export function Sidebar({
  onNewChat,
  searchRef,
  fill = false,
}: {
  onNewChat: () => void;
  /** Ctrl/Cmd+K focuses it. */
  searchRef: RefObject<HTMLInputElement | null>;
  /** Takes the width of what holds it (the drawer of a narrow window) instead of its own. */
  fill?: boolean;
}) {
  const [query, setQuery] = useState('');
  const [submitted, setSubmitted] = useState(0);
  const part = useStore(sidebarBody, (value) => value);
  return (
    <Box
      component="nav"
      aria-label="Conversations"
      w={fill ? '100%' : SIDEBAR_WIDTH}
      miw={fill ? undefined : SIDEBAR_WIDTH}
      h="100%"
      style={{
        borderRight: fill ? undefined : '1px solid var(--mantine-color-default-border)',
        display: 'flex',
      }}
    >
      <Stack gap="xs" p="xs" w="100%" style={{ flex: 1, minHeight: 0 }}>
        <Button variant="default" onClick={onNewChat} fullWidth>
          New chat
        </Button>
        <TextInput
          ref={searchRef}
          type="search"
          aria-label="Search conversations"
          placeholder="Search conversations (Ctrl+K)"
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') setSubmitted((count) => count + 1);
            if (event.key === 'Escape' && query !== '') {
              event.stopPropagation();
              setQuery('');
            }
          }}
        />
        {part !== null &&
          ('body' in part ? (
            <part.body query={query} submitted={submitted} onOpened={() => setQuery('')} />
          ) : (
            <Text size="sm" c="red" role="alert">
              The conversations could not be shown ({part.failed}): reload the page.
            </Text>
          ))}
      </Stack>
    </Box>
  );
}
