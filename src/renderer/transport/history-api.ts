import type { Conversation, Message } from '../../domain/conversation';
import type { HistoryStatus } from '../../domain/ports/conversation-store.port';
import type { Think } from '../../domain/think';
import { trpcClient } from './client';

export type { Conversation as StoredConversation, HistoryStatus, Message as StoredMessage };

/** What a window changes in a conversation (CONTRACT section 10, `PATCH /conversations/{id}`). */
export interface ConversationPatch {
  title?: string;
  pinned?: boolean;
  providerId?: string | null;
  modelId?: string | null;
  systemPrompt?: string | null;
  think?: Think | null;
  /** The conversation's Tools switch (CONTRACT section 11). */
  tools?: 'auto' | 'none';
  currentLeafId?: string;
}

/** The conversation calls the window's workspace needs, over whichever transport it uses. */
export interface HistoryApi {
  status(): Promise<HistoryStatus>;
  /** The conversation and one branch: through `through`, else its current one. */
  get(id: string, through?: string): Promise<{ conversation: Conversation; messages: Message[] }>;
  update(id: string, patch: ConversationPatch): Promise<Conversation>;
  deleteMessage(id: string, messageId: string): Promise<unknown>;
  /** Every change to history, of this process and (within 2 s) of others; null: anything may have changed. */
  onChange(listener: (conversationId: string | null) => void): () => void;
}

export const historyApi: HistoryApi = {
  status: () => trpcClient.conversations.status.query(),
  get: (id, through) => trpcClient.conversations.get.query(through === undefined ? { id } : { id, through }),
  update: (id, patch) => trpcClient.conversations.update.mutate({ id, ...patch }),
  deleteMessage: (id, messageId) => trpcClient.conversations.deleteMessage.mutate({ id, messageId }),
  onChange(listener) {
    const subscription = trpcClient.conversations.changes.subscribe(undefined, {
      onData: (change) => listener(change.conversationId),
      // History unavailable or the connection lost: the wsLink reconnects; nothing else to do here.
      onError: () => {},
    });
    return () => subscription.unsubscribe();
  },
};
