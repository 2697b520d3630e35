import { Box, Button, FileButton, Group, Switch, Text, Textarea } from '@mantine/core';
import { useWindowEvent } from '@mantine/hooks';
import { type ClipboardEvent, type KeyboardEvent, useRef, useState } from 'react';
import { warmUpHighlighterForAnswers } from '../markdown/Markdown';
import { useAppState } from '../state/app-state';
import { isStreaming } from '../state/chat-turns';
import { createStore, useStore } from '../state/store';
import { AttachmentList } from './AttachmentList';
import { ContextMeter } from './ContextMeter';
import { MESSAGE_BOX_ID } from './message-box';
import { ThinkControl } from './ThinkControl';
import { usePendingFiles } from './use-pending-files';

/** What the `Attach` button offers (the server checks every file's bytes whatever it is called). */
const ACCEPTED =
  'image/png,image/jpeg,image/webp,image/gif,application/pdf,text/*,application/json,.md,.csv,.json,.txt,.ts,.tsx,.js,.py,.rs,.go,.java,.c,.h,.cpp,.rb,.sh,.yaml,.yml,.toml,.sql,.html,.css,.xml';

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

/** The conversation's `Tools` switch: on, the model is offered the tools of the enabled MCP servers. */
function ToolsSwitch() {
  const { choice } = useAppState();
  const on = useStore(choice, (value) => value.tools !== false);
  return (
    <Switch
      size="xs"
      label="Tools"
      checked={on}
      onChange={(event) => choice.set({ ...choice.get(), tools: event.currentTarget.checked })}
      style={{ flexShrink: 0 }}
    />
  );
}

/**
 * The message box. It reads only whether an answer is streaming, never the transcript, so typing
 * stays instant in a long chat and during a stream. `toolsOffered`: the model can use tools and an
 * MCP server is enabled, so the `Tools` switch is shown.
 */
export function Composer({ toolsOffered = false }: { toolsOffered?: boolean }) {
  const { turns, conversation } = useAppState();
  const streaming = useStore(conversation, isStreaming);
  // The box's text lives outside React state: a key re-renders only what it changes (Send's state,
  // the context estimate), not the whole composer, so typing stays instant while a stream renders.
  const [draft] = useState(() => createStore(''));
  const typed = useStore(draft, (text) => text.trim() !== '');
  const input = useRef<HTMLTextAreaElement>(null);
  const pending = usePendingFiles();
  const empty = !typed && !pending.ready;
  // A file still on its way (or refused and not yet removed) holds the message back.
  const held = pending.uploading || pending.failed;

  const send = () => {
    if (empty || held || streaming) return;
    turns.send(draft.get(), pending.take());
    if (input.current) input.current.value = '';
    draft.set('');
  };

  // Files dropped anywhere on the window join the message.
  useWindowEvent('dragover', (event) => {
    if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
  });
  useWindowEvent('drop', (event) => {
    if (!event.dataTransfer?.files.length) return;
    event.preventDefault();
    pending.add(event.dataTransfer.files);
  });

  // A pasted image (a screenshot) joins the message; pasted text stays text.
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    event.preventDefault();
    pending.add(files);
  };

  // Esc stops the answer from anywhere in the window, except inside a dialog (where Esc closes it).
  useWindowEvent('keydown', (event) => {
    if (event.key !== 'Escape' || !turns.busy) return;
    if (event.target instanceof Element && event.target.closest('[role="dialog"]')) return;
    turns.requestStop();
  });

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !isComposing(event)) {
      event.preventDefault();
      send();
    }
  };

  const hint = streaming
    ? 'Answering… Esc or Stop ends it and keeps what has arrived.'
    : pending.uploading
      ? 'Uploading the attached files…'
      : pending.failed
        ? 'Remove the file LightChat could not take, then send.'
        : empty
          ? 'Type a message, or drop, paste or attach files. Enter sends, Shift+Enter adds a line.'
          : 'Enter sends, Shift+Enter adds a line.';

  return (
    <Box px="md" pb="md" pt="xs" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Box maw={860} mx="auto">
        <Box mb={pending.files.length > 0 ? 'xs' : 0}>
          <AttachmentList files={pending.files} onRemove={pending.remove} label="Attached files" />
        </Box>
        <Group align="flex-end" gap="xs" wrap="nowrap">
          <FileButton onChange={(files) => pending.add(files)} accept={ACCEPTED} multiple>
            {(props) => (
              <Button {...props} variant="default" disabled={streaming}>
                Attach
              </Button>
            )}
          </FileButton>
          <Textarea
            id={MESSAGE_BOX_ID}
            aria-label="Message"
            placeholder="Message LightChat"
            rows={1}
            styles={messageBoxStyles}
            ref={input}
            defaultValue=""
            onChange={(event) => {
              draft.set(event.currentTarget.value);
              warmUpHighlighterForAnswers();
            }}
            onKeyDown={onKeyDown}
            onPaste={onPaste}
            style={{ flex: 1 }}
            autoFocus
          />
          {streaming ? (
            <Button color="red" variant="light" onClick={() => turns.requestStop()}>
              Stop
            </Button>
          ) : (
            <Button onClick={send} disabled={empty || held} aria-describedby="composer-hint">
              Send
            </Button>
          )}
        </Group>
        <Group justify="space-between" align="center" gap="xs" mt={4}>
          <Text id="composer-hint" size="xs" c="dimmed">
            {hint}
          </Text>
          <Group gap="md" wrap="nowrap">
            {toolsOffered && <ToolsSwitch />}
            <ThinkControl />
            <ContextMeter draft={draft} files={pending.attached} />
          </Group>
        </Group>
      </Box>
    </Box>
  );
}
