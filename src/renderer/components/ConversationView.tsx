import { Box, Button, Center, Stack, Text } from '@mantine/core';
import { useRef } from 'react';
import { useAppState } from '../state/app-state';
import { useStore } from '../state/store';
import { MessageRow } from './MessageRow';
import { useFollowScroll } from './use-follow-scroll';
import { useHighlight } from './use-highlight';

/** The transcript: a scrolling region of message rows that follows the stream unless scrolled up. */
export function ConversationView() {
  const { conversation } = useAppState();
  const order = useStore(conversation, (state) => state.order);
  const scroller = useRef<HTMLElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const { following, jumpToLatest } = useFollowScroll(scroller, content);
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
        {order.map((id) => (
          <MessageRow key={id} id={id} />
        ))}
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
            onClick={jumpToLatest}
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
