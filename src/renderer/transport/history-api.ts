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

/** Which part of a conversation to read (CONTRACT section 10, `GET /conversations/{id}`). */
export interface BranchQuery {
  through?: string;
  last?: number;
  before?: string;
}

/** The conversation calls the window's workspace needs, over whichever transport it uses. */
export interface HistoryApi {
  status(): Promise<HistoryStatus>;
  /**
   * The conversation and one branch: through `through`, else its current one; with `last` (and
   * `before`) only a window of it, `earlier` counting the branch's messages before the window (absent: 0).
   */
  get(
    id: string,
    window?: BranchQuery,
  ): Promise<{ conversation: Conversation; messages: Message[]; earlier?: number }>;
  update(id: string, patch: ConversationPatch): Promise<Conversation>;
  deleteMessage(id: string, messageId: string): Promise<unknown>;
  /** Every change to history, of this process and (within 2 s) of others; null: anything may have changed. */
  onChange(listener: (conversationId: string | null) => void): () => void;
}

export const historyApi: HistoryApi = {
  status: () => trpcClient.conversations.status.query(),
  get: (id, window = {}) => trpcClient.conversations.get.query({ id, ...window }),
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
