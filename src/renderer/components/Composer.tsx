import { Box, Button, Group, Text, Textarea } from '@mantine/core';
import { useWindowEvent } from '@mantine/hooks';
import { type KeyboardEvent, useState } from 'react';
import { useAppState } from '../state/app-state';
import { isStreaming } from '../state/chat-turns';
import { useStore } from '../state/store';

/** IME composition (Japanese, Chinese…): Enter confirms the candidate there, it must not send. */
const isComposing = (event: KeyboardEvent<HTMLTextAreaElement>): boolean =>
  event.nativeEvent.isComposing || event.keyCode === 229;

/**
 * The box grows with its text up to ten lines, sized by the browser (`field-sizing`): a script that
 * measures it after each key (Mantine's `autosize`) forces a layout of the whole page on every key,
 * which during a stream is the transcript that has just changed.
 */
const messageBoxStyles = {
  input: {
    fieldSizing: 'content',
    maxHeight: 'calc(10lh + 2 * var(--input-padding-y, 0rem) + 2px)',
  },
} as const;

/**
 * The message box. It reads only whether an answer is streaming, never the transcript, so typing
 * stays instant in a long chat and during a stream.
 */
export function Composer() {
  const { turns, conversation } = useAppState();
  const streaming = useStore(conversation, isStreaming);
  const [text, setText] = useState('');
  const empty = text.trim() === '';

  const send = () => {
    if (empty || streaming) return;
    turns.send(text);
    setText('');
  };

  // Esc stops the answer from anywhere in the window, except inside a dialog (where Esc closes it).
  useWindowEvent('keydown', (event) => {
    if (event.key !== 'Escape' || !turns.busy) return;
    if (event.target instanceof Element && event.target.closest('[role="dialog"]')) return;
    turns.stop();
  });

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !isComposing(event)) {
      event.preventDefault();
      send();
    }
  };

  const hint = streaming
    ? 'Answering… Esc or Stop ends it and keeps what has arrived.'
    : empty
      ? 'Type a message. Enter sends, Shift+Enter adds a line.'
      : 'Enter sends, Shift+Enter adds a line.';

  return (
    <Box px="md" pb="md" pt="xs" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Box maw={860} mx="auto">
        <Group align="flex-end" gap="xs" wrap="nowrap">
          <Textarea
            aria-label="Message"
            placeholder="Message LightChat"
            rows={1}
            styles={messageBoxStyles}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            onKeyDown={onKeyDown}
            style={{ flex: 1 }}
            autoFocus
          />
          {streaming ? (
            <Button color="red" variant="light" onClick={() => turns.stop()}>
              Stop
            </Button>
          ) : (
            <Button onClick={send} disabled={empty} aria-describedby="composer-hint">
              Send
            </Button>
          )}
        </Group>
        <Text id="composer-hint" size="xs" c="dimmed" mt={4}>
          {hint}
        </Text>
      </Box>
    </Box>
  );
}
