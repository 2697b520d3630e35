import { ActionIcon, Group, Loader, Menu, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useAppState } from '../state/app-state';
import { downloadFile, filesAvailable } from '../transport/files';
import type { StoredConversation } from '../transport/history-api';
import { useTRPC } from '../transport/trpc';
import { ConfirmDialog } from './ConfirmDialog';
import { titleOf } from './conversation-groups';

/**
 * One conversation: its title opens it (a small spinner beside it while its answer streams); its menu
 * has Rename (inline), Pin, Export and Delete.
 */
export function ConversationItem({
  conversation,
  active,
  streaming = false,
}: {
  conversation: StoredConversation;
  active: boolean;
  streaming?: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { workspace, open } = useAppState();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const title = titleOf(conversation);
  const refreshList = () => queryClient.invalidateQueries(trpc.conversations.list.pathFilter());
  const update = useMutation(trpc.conversations.update.mutationOptions({ onSettled: refreshList }));
  const remove = useMutation(
    trpc.conversations.delete.mutationOptions({
      onSuccess: () => {
        if (open.get().id === conversation.id) workspace?.newChat();
      },
      onSettled: refreshList,
    }),
  );
  const report = (error: unknown) => setProblem(error instanceof Error ? error.message : String(error));

  const rename = (value: string) => {
    setRenaming(false);
    const next = value.trim();
    if (next !== '' && next !== conversation.title) update.mutate({ id: conversation.id, title: next });
  };
  const exportAs = (format: 'md' | 'json') =>
    downloadFile(
      `/conversations/${encodeURIComponent(conversation.id)}/export?format=${format}`,
      `${title}.${format}`,
    ).catch(report);

  return (
    <Group
      gap={2}
      wrap="nowrap"
      px={4}
      style={{
        borderRadius: 'var(--mantine-radius-sm)',
        background: active ? 'var(--mantine-color-default-hover)' : undefined,
      }}
    >
      {renaming ? (
        <TextInput
          aria-label="Title"
          size="xs"
          defaultValue={conversation.title ?? ''}
          autoFocus
          style={{ flex: 1 }}
          onBlur={(event) => rename(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') rename(event.currentTarget.value);
            if (event.key === 'Escape') {
              event.stopPropagation();
              setRenaming(false);
            }
          }}
        />
      ) : (
        <UnstyledButton
          aria-current={active ? 'page' : undefined}
          onClick={() => workspace?.open(conversation.id).catch(report)}
          py={6}
          px={4}
          style={{ flex: 1, minWidth: 0 }}
        >
          <Text size="sm" truncate="end" fw={active ? 600 : 400}>
            {conversation.pinned && <span aria-hidden>📌 </span>}
            {title}
          </Text>
        </UnstyledButton>
      )}
      {/* Outside the button: the item's name stays its title. */}
      {streaming && !renaming && (
        <Loader size={12} color="gray" role="progressbar" aria-label={`Answer streaming in ${title}`} />
      )}
      {/* Focus stays where an action puts it (the Title box of Rename), not back on the ⋯ button. */}
      <Menu position="bottom-end" withinPortal returnFocus={false}>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" size="sm" aria-label={`Actions for ${title}`}>
            ⋯
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => setRenaming(true)}>Rename</Menu.Item>
          <Menu.Item onClick={() => update.mutate({ id: conversation.id, pinned: !conversation.pinned })}>
            {conversation.pinned ? 'Unpin' : 'Pin'}
          </Menu.Item>
          {filesAvailable && (
            <>
              <Menu.Item onClick={() => exportAs('md')}>Export as Markdown</Menu.Item>
              <Menu.Item onClick={() => exportAs('json')}>Export as JSON</Menu.Item>
            </>
          )}
          <Menu.Divider />
          <Menu.Item color="red" onClick={() => setDeleting(true)}>
            Delete
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {problem && (
        <Text size="xs" c="red" role="alert" w="100%">
          {problem}
        </Text>
      )}
      <ConfirmDialog
        opened={deleting}
        title="Delete this conversation?"
        action="Delete"
        onCancel={() => setDeleting(false)}
        onConfirm={() => {
          setDeleting(false);
          remove.mutate({ id: conversation.id });
        }}
      >
        “{title}” and all its messages will be deleted. This cannot be undone.
      </ConfirmDialog>
    </Group>
  );
}
