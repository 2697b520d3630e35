import type {
  Conversation,
  ImportResult,
  Message,
  MessageRole,
  MessageStatus,
  NewMessage,
  SearchResult,
  StoredMessage,
} from '../conversation.js';

/** Why history can't be used; `details.reason` of `HISTORY_UNAVAILABLE`. */
export type HistoryUnavailableReason =
  | 'disabled'
  | 'newer_version'
  | 'damaged'
  | 'migration_failed'
  | 'disk_full'
  | 'failed';

export type HistoryStatus =
  | { available: true; path: string | null }
  | { available: false; reason: HistoryUnavailableReason; path: string | null; message: string };

export interface ConversationPage {
  items: Conversation[];
  nextCursor: string | null;
}

/** A message without its text: enough to walk the tree. */
export interface MessageNode {
  id: string;
  parentId: string | null;
  seq: number;
  role: MessageRole;
  status: MessageStatus;
}

/** What a send in a stored conversation reads before its turn is written: one read, not three. */
export interface TurnContext {
  conversation: Conversation;
  /** Every message of the conversation, without its text. */
  nodes: MessageNode[];
  /** The messages of the branch to `currentLeafId`, root first (where most sends go on). */
  currentBranch: StoredMessage[];
}

/** The end of a branch, read from its leaf up: what opening a long conversation reads. */
export interface BranchEnd {
  /** Root first, each with every version at its place (`siblingIds`). */
  messages: Message[];
  /** Messages of the branch before the first one. */
  earlier: number;
}

/** The stored fields a PATCH may change (current_leaf_id already resolved to a leaf). */
export type ConversationUpdate = Partial<
  Pick<
    Conversation,
    | 'title'
    | 'pinned'
    | 'providerId'
    | 'modelId'
    | 'systemPrompt'
    | 'numCtx'
    | 'think'
    | 'tools'
    | 'currentLeafId'
  >
> & { updatedAt: string };

/** A send: its messages (user and/or assistant), written in one transaction. */
export interface NewTurn {
  conversationId: string;
  /** Set for `conversation_id: "new"`: created in the same transaction. */
  create?: Conversation;
  messages: NewMessage[];
  currentLeafId: string;
  /** Used only while the conversation has no title. */
  title?: string;
  providerId: string;
  modelId: string;
  updatedAt: string;
}

export type MessageUpdate = Partial<
  Pick<StoredMessage, 'content' | 'thinking' | 'status' | 'errorCode' | 'usage' | 'stats' | 'toolCalls'>
> & { updatedAt: string };

export interface MessagesRemoval {
  conversationId: string;
  ids: string[];
  currentLeafId: string | null;
  updatedAt: string;
}

/**
 * Where conversations live. Every method is async: the durable store runs off the server's main
 * thread. Methods throw `HISTORY_UNAVAILABLE` while `status()` says so.
 */
export interface ConversationStore {
  status(): HistoryStatus;
  /** Pinned first, then newest `updatedAt`. */
  list(page: { limit: number; cursor: string | null }): Promise<ConversationPage>;
  get(id: string): Promise<Conversation | null>;
  create(conversation: Conversation): Promise<void>;
  update(id: string, update: ConversationUpdate): Promise<Conversation | null>;
  delete(id: string): Promise<boolean>;
  deleteAll(): Promise<void>;
  tree(conversationId: string): Promise<MessageNode[]>;
  /** The conversation, its tree and its current branch together; null when there is no such conversation. */
  turnContext(conversationId: string): Promise<TurnContext | null>;
  /** The messages with these ids, in `seq` order. */
  messages(conversationId: string, ids: readonly string[]): Promise<StoredMessage[]>;
  /**
   * The `last` messages of the branch ending at `leafId`, or, with `before`, the `last` messages
   * before that one on its branch; it costs what it returns, not the branch (a 2,000-message
   * conversation opens as fast as a short one). Null when `before` is not a message of the conversation.
   */
  branchEnd(
    conversationId: string,
    window: { leafId: string | null; last: number; before?: string },
  ): Promise<BranchEnd | null>;
  /** Throws `CONVERSATION_BUSY` when the conversation has an answer streaming. */
  addTurn(turn: NewTurn): Promise<StoredMessage[]>;
  updateMessage(id: string, update: MessageUpdate): Promise<void>;
  deleteMessages(removal: MessagesRemoval): Promise<void>;
  search(query: string, limit: number): Promise<SearchResult[]>;
  /** The ids of attached files that stored messages use (only those among `among`, when given). */
  attachmentsInUse(among: readonly string[] | null): Promise<string[]>;
  /** Ids of the conversations that have an answer streaming now (in this process or another live one). */
  streamingConversations(): Promise<string[]>;
  /**
   * Reads an export file (LightChat JSON or ZIP, ChatGPT's, Claude.ai's) as it streams in and adds
   * what is new, off the server's main thread. Throws `IMPORT_INVALID` for a file in no known format.
   */
  importFile(file: AsyncIterable<Uint8Array>): Promise<ImportResult>;
  /** Changes made by other processes (the store's own callers know theirs). */
  onExternalChange(listener: () => void): () => void;
  /** Only for a damaged file: keeps it under another name and starts an empty history. */
  startNewHistory(): Promise<HistoryStatus>;
  close(): Promise<void>;
}
