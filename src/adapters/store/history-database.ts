import type { Conversation, SearchResult, StoredMessage } from '../../domain/conversation.js';
import type {
  BranchEnd,
  ConversationPage,
  ConversationUpdate,
  MessageNode,
  MessagesRemoval,
  MessageUpdate,
  NewTurn,
  TurnContext,
} from '../../domain/ports/conversation-store.port.js';
import { ConversationTree } from '../../domain/services/conversation-tree.js';
import { conversationBusy, conversationNotFound } from '../../domain/services/history-errors.js';
import type { Think } from '../../domain/think.js';
import { readBranchEnd } from './branch-end.js';
import type { OwnerLocks } from './owner-locks.js';
import {
  type ConversationRow,
  decodeCursor,
  encodeCursor,
  type MessageRow,
  ms,
  thinkToColumn,
  toConversation,
  toMessage,
} from './rows.js';
import { searchHistory } from './search.js';
import { type SqliteDatabase, transaction } from './sqlite.js';

const CONVERSATION_COLUMNS =
  'id, title, created_at, updated_at, pinned, provider_id, model_id, system_prompt, num_ctx, think, tools, current_leaf_id, message_count';
const MESSAGE_COLUMNS =
  'id, seq, conversation_id, parent_id, role, content, thinking, status, error_code, provider_id, model_id, usage, stats, attachments, tool_calls, created_at, updated_at';
const UPDATABLE: Record<string, string> = {
  title: 'title',
  pinned: 'pinned',
  providerId: 'provider_id',
  modelId: 'model_id',
  systemPrompt: 'system_prompt',
  numCtx: 'num_ctx',
  tools: 'tools',
  currentLeafId: 'current_leaf_id',
  content: 'content',
  thinking: 'thinking',
  status: 'status',
  errorCode: 'error_code',
};

/** A new message's depth from its parent's (two parameters: the parent id twice). */
const DEPTH_OF_CHILD = 'iif(? IS NULL, 0, (SELECT depth + 1 FROM messages WHERE id = ?))';

type Statement = ReturnType<SqliteDatabase['prepare']>;

/** More distinct statements than the store has (some embed a list's length) start the cache again. */
const STATEMENT_CACHE = 200;

/** Rows indexed per transaction when answers wait for the search index (CONTRACT: batches ≤ 500). */
const INDEX_BATCH = 500;

/**
 * The store's operations on an open `lightchat.db`, synchronous: they run in the store's worker
 * thread. SQL lives here (and in search.ts and schema.ts), nowhere else.
 */
export class HistoryDatabase {
  /** Prepared once and kept: preparing one of these costs more than running it (bench 12b). */
  private readonly statements = new Map<string, Statement>();

  /** SQLite's automatic checkpoint threshold (pages of WAL) for every write but a chat's own. */
  private autoCheckpoint: number | null = null;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly locks: OwnerLocks,
  ) {}

  /** The statement of `sql`, prepared on its first use (statements with lists vary: the cache is bounded). */
  private statement(sql: string): Statement {
    let found = this.statements.get(sql);
    if (found === undefined) {
      if (this.statements.size >= STATEMENT_CACHE) this.statements.clear();
      found = this.db.prepare(sql);
      this.statements.set(sql, found);
    }
    return found;
  }

  /** At start-up: answers left `streaming` by processes that are gone become `interrupted`. */
  recoverInterrupted(): number {
    const owners = this.statement(
      "SELECT DISTINCT owner_id FROM messages WHERE status = 'streaming'",
    ).all() as { owner_id: string | null }[];
    let recovered = 0;
    for (const { owner_id } of owners) {
      if (owner_id !== null && this.locks.isAlive(owner_id)) continue;
      recovered += Number(
        this.statement(
          "UPDATE messages SET status = 'interrupted', owner_id = NULL WHERE status = 'streaming' AND owner_id IS ?",
        ).run(owner_id).changes,
      );
    }
    this.locks.removeStale();
    return recovered;
  }

  /** At close: this process's answers still streaming. */
  interruptOwn(): void {
    this.statement(
      "UPDATE messages SET status = 'interrupted', owner_id = NULL WHERE status = 'streaming' AND owner_id = ?",
    ).run(this.locks.ownerId);
  }

  list({ limit, cursor }: { limit: number; cursor: string | null }): ConversationPage {
    const after = cursor === null ? null : decodeCursor(cursor);
    const rows = this.statement(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations
         ${after ? 'WHERE (pinned, updated_at, id) < (?, ?, ?)' : ''}
         ORDER BY pinned DESC, updated_at DESC, id DESC LIMIT ?`,
    ).all(...(after ?? []), limit + 1) as unknown as ConversationRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toConversation),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  get(id: string): Conversation | null {
    const row = this.statement(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = ?`).get(id);
    return row ? toConversation(row as unknown as ConversationRow) : null;
  }

  create(conversation: Conversation): void {
    this.statement(
      `INSERT INTO conversations (${CONVERSATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
    ).run(
      conversation.id,
      conversation.title,
      ms(conversation.createdAt),
      ms(conversation.updatedAt),
      conversation.pinned ? 1 : 0,
      conversation.providerId,
      conversation.modelId,
      conversation.systemPrompt,
      conversation.numCtx,
      thinkToColumn(conversation.think),
      conversation.tools ?? null,
      conversation.currentLeafId,
    );
  }

  update(id: string, update: ConversationUpdate): Conversation | null {
    this.set('conversations', id, update);
    return this.get(id);
  }

  delete(id: string): boolean {
    return Number(this.statement('DELETE FROM conversations WHERE id = ?').run(id).changes) > 0;
  }

  deleteAll(): void {
    this.db.exec('DELETE FROM conversations');
  }

  attachmentsInUse(among: readonly string[] | null): string[] {
    const rows = this.statement(
      `SELECT DISTINCT json_extract(item.value, '$.id') AS id
         FROM messages, json_each(messages.attachments) AS item WHERE messages.attachments != '[]'`,
    ).all() as { id: unknown }[];
    const used = rows.map((row) => row.id).filter((id): id is string => typeof id === 'string');
    return among === null ? used : used.filter((id) => among.includes(id));
  }

  tree(conversationId: string): MessageNode[] {
    return this.statement(
      'SELECT id, parent_id AS parentId, seq, role, status FROM messages WHERE conversation_id = ?',
    ).all(conversationId) as unknown as MessageNode[];
  }

  /** A send's reads in one request to the worker: each round trip came before the first token. */
  turnContext(conversationId: string): TurnContext | null {
    const conversation = this.get(conversationId);
    if (!conversation) return null;
    const nodes = this.tree(conversationId);
    const path = new ConversationTree(nodes).pathTo(conversation.currentLeafId);
    return { conversation, nodes, currentBranch: this.messages(conversationId, path) };
  }

  messages(conversationId: string, ids: readonly string[]): StoredMessage[] {
    if (ids.length === 0) return [];
    const rows = this.statement(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND id IN (SELECT value FROM json_each(?))
         ORDER BY seq`,
    ).all(conversationId, JSON.stringify(ids)) as unknown as MessageRow[];
    return rows.map(toMessage);
  }

  branchEnd(
    conversationId: string,
    window: { leafId: string | null; last: number; before?: string },
  ): BranchEnd | null {
    return readBranchEnd(this.db, MESSAGE_COLUMNS, conversationId, window);
  }

  /** One transaction: the busy check, the conversation (when new) and the turn's messages. */
  addTurn(turn: NewTurn): StoredMessage[] {
    return this.withoutCheckpoint(() => this.writeTurn(turn));
  }

  private writeTurn(turn: NewTurn): StoredMessage[] {
    return transaction(this.db, () => {
      let seq = 0;
      if (turn.create) {
        // A new conversation: inserted with its title (indexed once), and nothing in it to look up.
        const { title } = turn;
        this.create(title && turn.create.title === null ? { ...turn.create, title } : turn.create);
      } else {
        if (!this.get(turn.conversationId)) throw conversationNotFound(turn.conversationId);
        this.refuseWhenBusy(turn.conversationId);
        seq = Number(
          (
            this.statement('SELECT coalesce(max(seq), 0) AS seq FROM messages WHERE conversation_id = ?').get(
              turn.conversationId,
            ) as { seq: number }
          ).seq,
        );
      }
      const insert = this.statement(
        `INSERT INTO messages (${MESSAGE_COLUMNS}, owner_id, depth)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${DEPTH_OF_CHILD})`,
      );
      const stored = turn.messages.map((message) => ({ ...message, seq: ++seq }));
      for (const message of stored) {
        insert.run(
          message.id,
          message.seq,
          message.conversationId,
          message.parentId,
          message.role,
          message.content,
          message.thinking,
          message.status,
          message.errorCode,
          message.providerId,
          message.modelId,
          message.usage === null ? null : JSON.stringify(message.usage),
          message.stats === null ? null : JSON.stringify(message.stats),
          JSON.stringify(message.attachments),
          JSON.stringify(message.toolCalls),
          ms(message.createdAt),
          ms(message.updatedAt),
          message.status === 'streaming' ? this.locks.ownerId : null,
          message.parentId,
          message.parentId,
        );
      }
      // Only a conversation without a title takes the turn's. An UPDATE that names the column fires
      // the titles' index trigger (an FTS5 delete with secure-delete, then an insert) even when the
      // value stays: every follow-up turn re-indexed its conversation's title (its write 0.36 ms
      // against 0.14 without, median of 600 on this machine).
      if (turn.title) {
        this.statement('UPDATE conversations SET title = ? WHERE id = ? AND title IS NULL').run(
          turn.title,
          turn.conversationId,
        );
      }
      this.statement(
        `UPDATE conversations SET provider_id = ?, model_id = ?, current_leaf_id = ?,
             updated_at = ?, message_count = (SELECT count(*) FROM messages WHERE conversation_id = conversations.id)
           WHERE id = ?`,
      ).run(turn.providerId, turn.modelId, turn.currentLeafId, ms(turn.updatedAt), turn.conversationId);
      return stored;
    });
  }

  /** An answer's text so far, or its final write: a chat waits for the last one before its `done`. */
  updateMessage(id: string, update: MessageUpdate): void {
    this.withoutCheckpoint(() => this.writeMessage(id, update));
  }

  /**
   * Copies what the WAL holds into the database file (PASSIVE: it takes what no reader still needs,
   * and never waits). The store's thread calls it once idle after a chat's writes.
   */
  checkpoint(): void {
    this.statement('PRAGMA wal_checkpoint(PASSIVE)').get();
  }

  /**
   * A chat's own writes (its turn, its answer) commit without SQLite's automatic checkpoint: the
   * commit that takes the WAL past 1,000 pages copies them all into the database file first, and
   * with a 20,000-token answer and its index writing 130-500 pages a chat, that was one chat in 2-7
   * waiting 5-50 ms longer for its turn or its `done`. The store's thread checkpoints once idle.
   */
  private withoutCheckpoint<T>(write: () => T): T {
    this.autoCheckpoint ??= Number(
      (this.statement('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number })
        .wal_autocheckpoint,
    );
    this.statement('PRAGMA wal_autocheckpoint = 0').get();
    try {
      return write();
    } finally {
      this.statement(`PRAGMA wal_autocheckpoint = ${this.autoCheckpoint}`).get();
    }
  }

  private writeMessage(id: string, update: MessageUpdate): void {
    const { usage, stats, toolCalls, ...rest } = update;
    const extra: Record<string, string | null> = {};
    if (toolCalls !== undefined) extra.tool_calls = JSON.stringify(toolCalls);
    if (usage !== undefined) extra.usage = usage === null ? null : JSON.stringify(usage);
    if (stats !== undefined) extra.stats = stats === null ? null : JSON.stringify(stats);
    if (rest.status !== undefined && rest.status !== 'streaming') extra.owner_id = null;
    this.set('messages', id, rest, extra);
  }

  deleteMessages(removal: MessagesRemoval): void {
    transaction(this.db, () => {
      this.statement(
        'DELETE FROM messages WHERE conversation_id = ? AND id IN (SELECT value FROM json_each(?))',
      ).run(removal.conversationId, JSON.stringify(removal.ids));
      this.statement(
        `UPDATE conversations SET current_leaf_id = ?, updated_at = ?,
             message_count = (SELECT count(*) FROM messages WHERE conversation_id = conversations.id) WHERE id = ?`,
      ).run(removal.currentLeafId, ms(removal.updatedAt), removal.conversationId);
    });
  }

  /**
   * Messages that became final since the last search are indexed first (a batch: the usual few);
   * a larger backlog (an import) is left to the background, and the search finds those by their
   * text meanwhile. A search never misses a message, and never waits for a whole import's index.
   */
  search(query: string, limit: number): SearchResult[] {
    this.indexPending();
    return searchHistory(this.db, query, limit);
  }

  /**
   * Puts final messages waiting in messages_unindexed into the search index: at most `batch` of
   * them, in one transaction (its own, after the one that stored the answer). Returns how many.
   */
  indexPending(batch = INDEX_BATCH): number {
    // Looked at outside a transaction: nothing waiting (the usual case) takes no write lock.
    const waiting = this.statement('SELECT rowid FROM messages_unindexed ORDER BY rowid LIMIT ?').all(
      batch,
    ) as { rowid: number }[];
    if (waiting.length === 0) return 0;
    const rowids = JSON.stringify(waiting.map((row) => row.rowid));
    transaction(this.db, () => {
      // Only rows still waiting: another process may have indexed them meanwhile.
      this.statement(
        `INSERT INTO messages_fts (rowid, content) SELECT messages.rowid, messages.content
           FROM messages_unindexed JOIN messages ON messages.rowid = messages_unindexed.rowid
           WHERE messages_unindexed.rowid IN (SELECT value FROM json_each(?))`,
      ).run(rowids);
      this.statement('DELETE FROM messages_unindexed WHERE rowid IN (SELECT value FROM json_each(?))').run(
        rowids,
      );
    });
    return waiting.length;
  }

  /** Conversations with an answer streaming in a live process (one that is gone left only a stale row). */
  streamingConversations(): string[] {
    const rows = this.statement(
      "SELECT DISTINCT conversation_id, owner_id FROM messages WHERE status = 'streaming'",
    ).all() as { conversation_id: string; owner_id: string | null }[];
    const live = rows.filter((row) => row.owner_id !== null && this.locks.isAlive(row.owner_id));
    return [...new Set(live.map((row) => row.conversation_id))];
  }

  /** A live answer streaming here makes a send wait; one left by a process that is gone does not. */
  private refuseWhenBusy(conversationId: string): void {
    const streaming = this.statement(
      "SELECT id, owner_id FROM messages WHERE conversation_id = ? AND status = 'streaming'",
    ).all(conversationId) as { id: string; owner_id: string | null }[];
    for (const row of streaming) {
      if (row.owner_id !== null && this.locks.isAlive(row.owner_id)) throw conversationBusy(conversationId);
      this.statement("UPDATE messages SET status = 'interrupted', owner_id = NULL WHERE id = ?").run(row.id);
    }
  }

  private set(
    table: 'conversations' | 'messages',
    id: string,
    fields: Record<string, unknown>,
    raw: Record<string, string | number | null> = {},
  ): void {
    const columns: string[] = [];
    const values: (string | number | null)[] = [];
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (key === 'updatedAt') {
        columns.push('updated_at');
        values.push(ms(value as string));
      } else if (key === 'think') {
        columns.push('think');
        values.push(thinkToColumn(value as Think | null));
      } else if (UPDATABLE[key]) {
        columns.push(UPDATABLE[key]);
        values.push(typeof value === 'boolean' ? Number(value) : (value as string | number | null));
      }
    }
    for (const [column, value] of Object.entries(raw)) {
      columns.push(column);
      values.push(value);
    }
    if (columns.length === 0) return;
    this.statement(
      `UPDATE ${table} SET ${columns.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`,
    ).run(...values, id);
  }
}
