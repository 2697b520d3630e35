import { useQueryClient } from '@tanstack/react-query';
import { useAppState } from '../state/app-state';
import { downloadFile } from '../transport/files';
import type { StoredConversation } from '../transport/history-api';
import { useTRPC, useTRPCClient } from '../transport/trpc';
import { titleOf } from './conversation-groups';

export interface ConversationActions {
  rename(title: string): void;
  togglePin(): void;
  exportAs(format: 'md' | 'json'): void;
  remove(): void;
}

/**
 * What an item's menu and its inline Rename do to a conversation. Plain calls, not a mutation hook
 * per item: a list renders an item per row it scrolls past, and most items are never acted on.
 * Failures go to `report` (shown under the item); the list is refreshed after every change.
 */
export function useConversationActions(
  conversation: StoredConversation,
  report: (problem: string) => void,
): ConversationActions {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const { workspace, open } = useAppState();
  const failed = (error: unknown) => report(error instanceof Error ? error.message : String(error));
  const refreshList = () => queryClient.invalidateQueries(trpc.conversations.list.pathFilter());
  const update = (patch: { title?: string; pinned?: boolean }) =>
    client.conversations.update
      .mutate({ id: conversation.id, ...patch })
      .catch(failed)
      .finally(refreshList);
  return {
    rename(title) {
      const next = title.trim();
      if (next !== '' && next !== conversation.title) void update({ title: next });
    },
    togglePin: () => void update({ pinned: !conversation.pinned }),
    exportAs(format) {
      downloadFile(
        `/conversations/${encodeURIComponent(conversation.id)}/export?format=${format}`,
        `${titleOf(conversation)}.${format}`,
      ).catch(failed);
    },
    remove() {
      client.conversations.delete
        .mutate({ id: conversation.id })
        .then(() => {
          if (open.get().id === conversation.id) workspace?.newChat();
        }, failed)
        .finally(refreshList);
    },
  };
}
