import { Box, Button, Stack, TextInput } from '@mantine/core';
import { lazy, type RefObject, Suspense, useState } from 'react';

// The list (virtualised), search results, menus and dialogs: none of it is needed for the app's first
// paint. Its code is fetched as soon as this module runs, beside the list's first page (main.tsx).
const loadSidebarBody = () => import('./SidebarBody');
const SidebarBody = lazy(loadSidebarBody);
void loadSidebarBody();

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
        <Suspense fallback={null}>
          <SidebarBody query={query} submitted={submitted} onOpened={() => setQuery('')} />
        </Suspense>
      </Stack>
    </Box>
  );
}
