import { Box, Button, Center, Stack, Text } from '@mantine/core';
import { useRef } from 'react';
import { useAppState } from '../state/app-state';
import { createStore, useStore } from '../state/store';
import { MessageRow } from './MessageRow';
import { useFollowScroll } from './use-follow-scroll';
import { noHighlight, useHighlight } from './use-highlight';
import { useTranscriptWindow } from './use-transcript-window';

/** Without history, every message of the conversation is in the page. */
const noneUnloaded = createStore(0);

/**
 * The transcript: a scrolling region of message rows that follows the stream unless scrolled up. A
 * long conversation renders only its latest messages, and more as the user scrolls (or the part
 * around a search result).
 */
export function ConversationView() {
  const { conversation, workspace } = useAppState();
  const order = useStore(conversation, (state) => state.order);
  const target = useStore(workspace?.highlight ?? noHighlight, (id) => id);
  const unloaded = useStore(workspace?.earlier ?? noneUnloaded, (count) => count);
  const scroller = useRef<HTMLElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const { following, jumpToLatest } = useFollowScroll(scroller, content);
  const rows = useTranscriptWindow({
    order,
    target,
    scroller,
    content,
    unloaded,
    ...(workspace ? { loadEarlier: () => workspace.loadEarlier() } : {}),
  });
  useHighlight(content);

  return (
    <Box
      component="section"
      aria-label="Conversation"
      ref={scroller}
      style={{ flex: 1, overflowY: 'auto', position: 'relative' }}
      px="md"
      py="md"
    >
      <Stack ref={content} gap="md" maw={860} mx="auto">
        {order.length === 0 && (
          <Center mih={240}>
            <Stack gap={4} align="center">
              <Text component="h2" fz="xl" fw={500} m={0}>
                What can I help with?
              </Text>
              <Text c="dimmed" size="sm">
                Enter sends, Shift+Enter adds a line, Esc stops an answer.
              </Text>
            </Stack>
          </Center>
        )}
        {rows.hiddenBefore > 0 && (
          <Button variant="subtle" size="xs" mx="auto" onClick={rows.earlier} data-transcript-edge>
            Show earlier messages ({rows.hiddenBefore})
          </Button>
        )}
        {rows.shown.map((id) => (
          <MessageRow key={id} id={id} />
        ))}
        {rows.hiddenAfter > 0 && (
          <Button variant="subtle" size="xs" mx="auto" onClick={rows.later} data-transcript-edge>
            Show later messages ({rows.hiddenAfter})
          </Button>
        )}
      </Stack>
      {!following && order.length > 0 && (
        <Box
          style={{
            position: 'sticky',
            bottom: 0,
            display: 'flex',
            justifyContent: 'flex-end',
            pointerEvents: 'none',
          }}
        >
          <Button
            size="xs"
            radius="xl"
            variant="filled"
            onClick={() => {
              rows.latest();
              jumpToLatest();
            }}
            aria-label="Jump to latest"
            style={{ pointerEvents: 'auto' }}
          >
            Jump to latest ↓
          </Button>
        </Box>
      )}
    </Box>
  );
}
