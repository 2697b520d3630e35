import { ActionIcon, Group, Text } from '@mantine/core';
import { useAppState } from '../state/app-state';
import { isStreaming } from '../state/chat-turns';
import type { Message } from '../state/conversation';
import { useStore } from '../state/store';

/** `‹ 2 / 3 ›` on a message with other versions: switching shows that version and what follows it. */
export function VersionSwitch({ message }: { message: Message }) {
  const { workspace, conversation } = useAppState();
  const busy = useStore(conversation, isStreaming);
  const versions = message.siblingIds;
  if (workspace === null || versions === undefined || versions.length < 2) return null;
  const index = versions.indexOf(message.id);
  const show = (at: number) => {
    const id = versions[at];
    if (id !== undefined) void workspace.showVersion(id);
  };
  return (
    <Group gap={2} wrap="nowrap">
      <ActionIcon
        size="sm"
        variant="subtle"
        color="gray"
        aria-label="Previous version"
        disabled={busy || index <= 0}
        onClick={() => show(index - 1)}
      >
        ‹
      </ActionIcon>
      <Text size="xs" c="dimmed" aria-label={`Version ${index + 1} of ${versions.length}`}>
        {index + 1} / {versions.length}
      </Text>
      <ActionIcon
        size="sm"
        variant="subtle"
        color="gray"
        aria-label="Next version"
        disabled={busy || index >= versions.length - 1}
        onClick={() => show(index + 1)}
      >
        ›
      </ActionIcon>
    </Group>
  );
}
