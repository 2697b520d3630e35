import type { Conversation, ImportResult, StoredMessage } from '../../domain/conversation.js';
import { AppError } from '../../domain/errors.js';
import type {
  BranchEnd,
  ConversationPage,
  ConversationStore,
  ConversationUpdate,
  HistoryStatus,
  MessageNode,
  MessagesRemoval,
  MessageUpdate,
  NewTurn,
  TurnContext,
} from '../../domain/ports/conversation-store.port.js';
import { ConversationTree } from '../../domain/services/conversation-tree.js';
import { conversationBusy, conversationNotFound } from '../../domain/services/history-errors.js';

/** Temporary conversations kept at most: the oldest goes first (they live only in memory). */
export const TEMPORARY_CONVERSATIONS_MAX = 200;

interface Entry {
  conversation: Conversation;
  messages: Map<string, StoredMessage>;
  nextSeq: number;
}

/**
 * Temporary conversations (CONTRACT section 10): in this process's memory only, never written to
 * disk, gone when it exits. Also a plain fake of the port for the domain's tests.
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly entries = new Map<string, Entry>();

  status(): HistoryStatus {
    return { available: true, path: null };
  }

  async list({ limit, cursor }: { limit: number; cursor: string | null }): Promise<ConversationPage> {
    const all = [...this.entries.values()]
      .map((entry) => entry.conversation)
      .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt.localeCompare(a.updatedAt));
    const start = cursor === null ? 0 : Number(cursor);
    const items = all.slice(start, start + limit);
    return { items, nextCursor: start + limit < all.length ? String(start + limit) : null };
  }

  async get(id: string): Promise<Conversation | null> {
    return this.entries.get(id)?.conversation ?? null;
  }

  async create(conversation: Conversation): Promise<void> {
    this.entries.set(conversation.id, { conversation, messages: new Map(), nextSeq: 1 });
    while (this.entries.size > TEMPORARY_CONVERSATIONS_MAX) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  async update(id: string, update: ConversationUpdate): Promise<Conversation | null> {
    const entry = this.entries.get(id);
    if (!entry) return null;
    entry.conversation = { ...entry.conversation, ...update };
    return entry.conversation;
  }

  async delete(id: string): Promise<boolean> {
    return this.entries.delete(id);
  }

  async deleteAll(): Promise<void> {
    this.entries.clear();
  }

  async tree(conversationId: string): Promise<MessageNode[]> {
    const entry = this.entries.get(conversationId);
    return [...(entry?.messages.values() ?? [])].map(({ id, parentId, seq, role, status }) => ({
      id,
      parentId,
      seq,
      role,
      status,
    }));
  }

  async turnContext(conversationId: string): Promise<TurnContext | null> {
    const conversation = await this.get(conversationId);
    if (!conversation) return null;
    const nodes = await this.tree(conversationId);
    const path = new ConversationTree(nodes).pathTo(conversation.currentLeafId);
    return { conversation, nodes, currentBranch: await this.messages(conversationId, path) };
  }

  async messages(conversationId: string, ids: readonly string[]): Promise<StoredMessage[]> {
    const entry = this.entries.get(conversationId);
    return ids
      .map((id) => entry?.messages.get(id))
      .filter((message): message is StoredMessage => message !== undefined)
      .sort((a, b) => a.seq - b.seq);
  }

  async branchEnd(
    conversationId: string,
    window: { leafId: string | null; last: number; before?: string },
  ): Promise<BranchEnd | null> {
    const messages = this.entries.get(conversationId)?.messages ?? new Map<string, StoredMessage>();
    const tree = new ConversationTree([...messages.values()]);
    let end = window.leafId;
    if (window.before !== undefined) {
      const before = tree.get(window.before);
      if (!before) return null;
      end = before.parentId;
    }
    const path = tree.pathTo(end);
    const earlier = Math.max(0, path.length - window.last);
    return {
      messages: path.slice(earlier).flatMap((id) => {
        const message = messages.get(id);
        return message ? [{ ...message, siblingIds: tree.siblingIds(id) }] : [];
      }),
      earlier,
    };
  }

  async addTurn(turn: NewTurn): Promise<StoredMessage[]> {
    if (turn.create) await this.create(turn.create);
    const entry = this.entries.get(turn.conversationId);
    if (!entry) throw conversationNotFound(turn.conversationId);
    if ([...entry.messages.values()].some((message) => message.status === 'streaming')) {
      throw conversationBusy(turn.conversationId);
    }
    const stored = turn.messages.map((message) => ({ ...message, seq: entry.nextSeq++ }));
    for (const message of stored) entry.messages.set(message.id, message);
    entry.conversation = {
      ...entry.conversation,
      title: entry.conversation.title ?? turn.title ?? null,
      providerId: turn.providerId,
      modelId: turn.modelId,
      currentLeafId: turn.currentLeafId,
      messageCount: entry.messages.size,
      updatedAt: turn.updatedAt,
    };
    return stored;
  }

  async attachmentsInUse(among: readonly string[] | null): Promise<string[]> {
    const used = new Set<string>();
    for (const entry of this.entries.values()) {
      for (const message of entry.messages.values()) {
        for (const attachment of message.attachments) {
          if (typeof attachment.id === 'string') used.add(attachment.id);
        }
      }
    }
    return [...used].filter((id) => among === null || among.includes(id));
  }

  async updateMessage(id: string, update: MessageUpdate): Promise<void> {
    for (const entry of this.entries.values()) {
      const message = entry.messages.get(id);
      if (message) entry.messages.set(id, { ...message, ...update });
    }
  }

  async deleteMessages(removal: MessagesRemoval): Promise<void> {
    const entry = this.entries.get(removal.conversationId);
    if (!entry) return;
    for (const id of removal.ids) entry.messages.delete(id);
    entry.conversation = {
      ...entry.conversation,
      currentLeafId: removal.currentLeafId,
      messageCount: entry.messages.size,
      updatedAt: removal.updatedAt,
    };
  }

  /** Imports go to the durable history only. */
  async importFile(): Promise<ImportResult> {
    throw new AppError('HISTORY_UNAVAILABLE', 'Temporary conversations cannot be imported into.', {
      details: { reason: 'disabled' },
    });
  }

  async search(): Promise<never[]> {
    return [];
  }

  async streamingConversations(): Promise<string[]> {
    return [...this.entries.values()]
      .filter((entry) => [...entry.messages.values()].some((message) => message.status === 'streaming'))
      .map((entry) => entry.conversation.id);
  }

  onExternalChange(): () => void {
    return () => {};
  }

  async startNewHistory(): Promise<HistoryStatus> {
    return this.status();
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
