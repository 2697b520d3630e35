import { Box, Button, Group, Paper, Text, Textarea } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useAppState } from '../state/app-state';
import type { UserMessage } from '../state/conversation';
import { AttachmentList } from './AttachmentList';
import { DeleteMessage } from './DeleteMessage';
import { VersionSwitch } from './VersionSwitch';

/** A question; Edit turns it into a box whose Resend forks the conversation from here. */
export function UserMessageView({ message }: { message: UserMessage }) {
  const { turns } = useAppState();
  const [draft, setDraft] = useState<string | null>(null);
  // One list per message: a thumbnail reads its image from the server once, not on every render.
  const files = useMemo(
    () =>
      (message.attachments ?? []).map((file) => ({
        key: file.id,
        name: file.name,
        kind: file.kind,
        stored: file,
      })),
    [message.attachments],
  );
  const resend = () => {
    if (draft === null || draft.trim() === '') return;
    turns.edit(message.id, draft);
    setDraft(null);
  };
  return (
    <Paper
      component="article"
      aria-label="User message"
      data-message-id={message.id}
      tabIndex={-1}
      p="sm"
      radius="md"
      bg="var(--mantine-primary-color-light)"
      ml="auto"
      maw="85%"
    >
      {draft === null ? (
        <>
          {files.length > 0 && (
            <Box mb={message.content ? 'xs' : 0}>
              <AttachmentList label="Files sent" files={files} />
            </Box>
          )}
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {message.content}
          </Text>
          <Group justify="flex-end" mt={4} gap={4}>
            <VersionSwitch message={message} />
            <DeleteMessage id={message.id} />
            <Button size="compact-xs" variant="subtle" onClick={() => setDraft(message.content)}>
              Edit
            </Button>
          </Group>
        </>
      ) : (
        <>
          <Textarea
            aria-label="Edit message"
            autosize
            minRows={2}
            maxRows={12}
            value={draft}
            onChange={(event) => setDraft(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setDraft(null);
            }}
            autoFocus
          />
          <Group justify="flex-end" mt="xs" gap="xs">
            <Button size="xs" variant="default" onClick={() => setDraft(null)}>
              Cancel
            </Button>
            <Button size="xs" onClick={resend} disabled={draft.trim() === ''}>
              Resend
            </Button>
          </Group>
          <Text size="xs" c="dimmed" mt={4}>
            Resending replaces this message and everything after it.
          </Text>
        </>
      )}
    </Paper>
  );
}
