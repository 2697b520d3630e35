import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { type ImportResult, TITLE_MAX_CHARS } from '../../domain/conversation.js';
import { UUID_PATTERN, uuidV7 } from '../../domain/ids.js';
import { firstLineTitle } from '../../domain/services/conversation-title.js';
import { readImportStream } from './formats/import-stream.js';
import type { ImportedConversation, ImportedMessage } from './formats/imported-conversation.js';
import { zipConversationsStream } from './formats/zip-stream.js';
import { ms } from './rows.js';
import { type SqliteDatabase, transaction } from './sqlite.js';

/**
 * The import's write path (CONTRACT section 10), in the store's worker: the file is read as it
 * streams, and each conversation is written in its own transactions of at most 500 rows, so other
 * writers wait for one short batch at most. Re-import adds only what is new: a conversation is
 * known by its `source_id`, a message by its `source_id` within it.
 */

export const IMPORT_BATCH_ROWS = 500;
const READ_CHUNK_BYTES = 256 * 1024;
const PAUSE_EVERY_MS = 10;

export interface ImportOptions {
  db: SqliteDatabase;
  path: string;
  newId?: () => string;
  /** Between batches: lets the worker answer other requests while a long import runs. */
  pause?: () => Promise<void>;
}

type Statement = ReturnType<SqliteDatabase['prepare']>;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function startsWithZip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await file.read(head, 0, 4, 0);
    return head.readUInt32LE(0) === 0x04034b50;
  } finally {
    await file.close();
  }
}

export async function importHistoryFile(options: ImportOptions): Promise<ImportResult> {
  const { db, path } = options;
  const writer = new ImportWriter(db, options.newId ?? (() => uuidV7()));
  const pause = options.pause ?? nextTurn;
  const chunks = (await startsWithZip(path))
    ? zipConversationsStream(path)
    : createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const result: ImportResult = { imported: 0, skipped: 0, failed: [], messages: 0 };
  let paused = performance.now();
  for await (const reading of readImportStream(chunks)) {
    // Other requests (a chat being written) wait at most about this long behind the import.
    if (performance.now() - paused > PAUSE_EVERY_MS) {
      await pause();
      paused = performance.now();
    }
    if (reading.kind === 'empty') result.skipped += 1;
    else if (reading.kind === 'failed') {
      result.failed.push({ sourceId: reading.failure.source_id, reason: reading.failure.reason });
    } else {
      const { conversation } = reading;
      try {
        const added = await writer.write(conversation, { keepIds: reading.format === 'lightchat', pause });
        if (added.created || added.messages > 0) result.imported += 1;
        else result.skipped += 1;
        result.messages += added.messages;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        result.failed.push({ sourceId: conversation.sourceId, reason: `It could not be stored: ${reason}` });
      }
    }
  }
  return result;
}

/** System and tool messages, and non-text parts, shown above the text they came before. */
export function withNote(message: ImportedMessage): string {
  if (message.note === undefined || message.note.trim() === '') return message.content;
  const quoted = message.note
    .trim()
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
  return `${quoted}\n\n${message.content}`;
}

function cutTitle(title: string): string {
  const chars = Array.from(title.trim());
  return chars.length <= TITLE_MAX_CHARS
    ? chars.join('')
    : `${chars.slice(0, TITLE_MAX_CHARS - 1).join('')}…`;
}

interface Known {
  id: string;
  currentLeafId: string | null;
  updatedAt: number;
}

class ImportWriter {
  /** Prepared once per import: a 10,000-conversation file runs each of them thousands of times. */
  private readonly insertMessage: Statement;
  private readonly updateCounts: Statement;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly newId: () => string,
  ) {
    this.insertMessage = db.prepare(
      `INSERT INTO messages (id, seq, conversation_id, parent_id, role, content, thinking, status, attachments,
         tool_calls, source_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'done', '[]', '[]', ?, ?, ?)`,
    );
    this.updateCounts = db.prepare(
      `UPDATE conversations SET
         message_count = (SELECT count(*) FROM messages WHERE conversation_id = conversations.id),
         updated_at = max(updated_at, ?), current_leaf_id = coalesce(?, current_leaf_id)
       WHERE id = ?`,
    );
  }

  /**
   * Writes one conversation: new, or the messages a known one lacks. A LightChat file keeps its own
   * ids where they are free, so its conversations come back as they were exported.
   */
  async write(
    conversation: ImportedConversation,
    options: { keepIds: boolean; pause: () => Promise<void> },
  ): Promise<{ created: boolean; messages: number }> {
    const { keepIds } = options;
    const known = this.find(conversation.sourceId, keepIds);
    const ids = new Map<string, string>();
    if (known) {
      const rows = this.db
        .prepare('SELECT id, source_id FROM messages WHERE conversation_id = ?')
        .all(known.id) as { id: string; source_id: string | null }[];
      for (const row of rows) {
        if (row.source_id !== null) ids.set(row.source_id, row.id);
        if (keepIds) ids.set(row.id, row.id);
      }
    }
    const fresh = conversation.messages.filter((message) => !ids.has(message.sourceId));
    if (known && fresh.length === 0) return { created: false, messages: 0 };
    const conversationId = known?.id ?? this.idFor(conversation.sourceId, keepIds, 'conversations');
    let seq = known ? this.lastSeq(conversationId) : 0;
    const insert = this.insertMessage;
    const batches = Math.max(1, Math.ceil(fresh.length / IMPORT_BATCH_ROWS));
    for (let batch = 0; batch < batches; batch++) {
      if (batch > 0) await options.pause();
      const rows = fresh.slice(batch * IMPORT_BATCH_ROWS, (batch + 1) * IMPORT_BATCH_ROWS);
      const last = batch === batches - 1;
      transaction(this.db, () => {
        if (batch === 0 && !known) this.create(conversationId, conversation);
        for (const message of rows) {
          const id = this.idFor(message.sourceId, keepIds, 'messages');
          const createdAt = ms(message.createdAt);
          const parentId = message.parentSourceId === null ? null : (ids.get(message.parentSourceId) ?? null);
          insert.run(
            id,
            ++seq,
            conversationId,
            parentId,
            message.role,
            withNote(message),
            message.thinking,
            message.sourceId,
            createdAt,
            createdAt,
          );
          ids.set(message.sourceId, id);
        }
        const leaf = last ? this.leafAfter(conversation, ids, known) : undefined;
        this.updateCounts.run(ms(conversation.updatedAt), leaf ?? null, conversationId);
      });
    }
    return { created: !known, messages: fresh.length };
  }

  private find(sourceId: string, keepIds: boolean): Known | undefined {
    const row = this.db
      .prepare(
        `SELECT id, current_leaf_id, updated_at FROM conversations WHERE source_id = ?
         UNION ALL SELECT id, current_leaf_id, updated_at FROM conversations WHERE ? AND id = ? LIMIT 1`,
      )
      .get(sourceId, keepIds ? 1 : 0, sourceId) as
      | { id: string; current_leaf_id: string | null; updated_at: number }
      | undefined;
    return row && { id: row.id, currentLeafId: row.current_leaf_id, updatedAt: row.updated_at };
  }

  private create(id: string, conversation: ImportedConversation): void {
    const firstUser = conversation.messages.find((message) => message.role === 'user');
    const title = conversation.title?.trim() ? conversation.title : firstLineTitle(firstUser?.content ?? '');
    this.db
      .prepare(
        `INSERT INTO conversations (id, title, created_at, updated_at, pinned, current_leaf_id, message_count, source_id)
         VALUES (?, ?, ?, ?, 0, NULL, 0, ?)`,
      )
      .run(
        id,
        title ? cutTitle(title) : null,
        ms(conversation.createdAt),
        ms(conversation.updatedAt),
        conversation.sourceId,
      );
  }

  /** A LightChat id is kept when it is a UUID not yet used; every other record gets a new id. */
  private idFor(sourceId: string, keepIds: boolean, table: 'conversations' | 'messages'): string {
    if (keepIds && UUID_PATTERN.test(sourceId)) {
      const taken = this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(sourceId);
      if (!taken) return sourceId;
    }
    return this.newId();
  }

  private lastSeq(conversationId: string): number {
    return Number(
      (
        this.db
          .prepare('SELECT coalesce(max(seq), 0) AS seq FROM messages WHERE conversation_id = ?')
          .get(conversationId) as { seq: number }
      ).seq,
    );
  }

  /**
   * Where the conversation shows its end: the file's current branch for a new conversation; for a
   * known one, the file's leaf only when it continues the branch the user was on.
   */
  private leafAfter(
    conversation: ImportedConversation,
    ids: Map<string, string>,
    known: Known | undefined,
  ): string | null {
    const fileLeaf = conversation.currentLeafSourceId;
    const leafId = fileLeaf === null ? null : (ids.get(fileLeaf) ?? null);
    if (!known) return leafId ?? ids.get(conversation.messages.at(-1)?.sourceId ?? '') ?? null;
    if (leafId === null || known.currentLeafId === null) return leafId;
    const parents = new Map(
      conversation.messages.map((message) => [message.sourceId, message.parentSourceId]),
    );
    for (let at: string | null | undefined = fileLeaf; at != null; at = parents.get(at)) {
      if (ids.get(at) === known.currentLeafId) return leafId;
    }
    return null;
  }
}
