import { TITLE_MAX_CHARS } from '../../domain/conversation.js';
import { UUID_PATTERN } from '../../domain/ids.js';
import { firstLineTitle } from '../../domain/services/conversation-title.js';
import type { ImportedConversation, ImportedMessage } from './formats/imported-conversation.js';
import { ms, thinkToColumn } from './rows.js';
import type { SqliteDatabase } from './sqlite.js';

/**
 * Writes imported conversations into `lightchat.db` (the SQL of the import). A conversation is known
 * by its `source_id` (a LightChat file's also by its own id), a message by its `source_id` within its
 * conversation: what is known is skipped, so a re-import adds only what is new. The caller holds the
 * transaction; a conversation's rows may be written in slices.
 */

type Statement = ReturnType<SqliteDatabase['prepare']>;

interface Known {
  id: string;
  currentLeafId: string | null;
}

/**
 * A message as `insert` takes it: id, seq, conversation, parent, role, content, thinking, status,
 * error code, provider, model, usage, stats, attachments, tool calls (the last four as JSON text),
 * source id, time, depth on its branch.
 */
export type MessageRow = [
  string,
  number,
  string,
  string | null,
  string,
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
  string,
  string,
  number,
  number | null,
];

/** What one conversation of the file adds, worked out before anything is written. */
export interface ImportPlan {
  conversation: ImportedConversation;
  keepIds: boolean;
  known: Known | undefined;
  conversationId: string;
  /** Source id → stored id, of the messages already stored and of those written so far. */
  ids: Map<string, string>;
  /** Stored id → depth on its branch, of the same messages (null: not known). */
  depths: Map<string, number | null>;
  /** The messages to add, parents first. */
  fresh: ImportedMessage[];
  seq: number;
}

/** System and tool messages, and non-text parts, shown as a quote above the text they came before. */
export function withNote(message: ImportedMessage): string {
  if (message.note === undefined || message.note.trim() === '') return message.content;
  const quoted = message.note
    .trim()
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
  return `${quoted}\n\n${message.content}`;
}

const jsonOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

function cutTitle(title: string): string {
  const chars = Array.from(title.trim());
  return chars.length <= TITLE_MAX_CHARS
    ? chars.join('')
    : `${chars.slice(0, TITLE_MAX_CHARS - 1).join('')}…`;
}

export class ImportWriter {
  // Prepared once per import: a 10,000-conversation file runs each of them thousands of times.
  private readonly findConversation: Statement;
  private readonly knownMessages: Statement;
  private readonly insertConversation: Statement;
  private readonly insertMessage: Statement;
  private readonly updateCounts: Statement;
  private readonly lastSeq: Statement;
  private readonly conversationIdTaken: Statement;
  private readonly messageIdTaken: Statement;

  constructor(
    db: SqliteDatabase,
    private readonly newId: () => string,
  ) {
    this.findConversation = db.prepare(
      `SELECT id, current_leaf_id FROM conversations WHERE source_id = ?
       UNION ALL SELECT id, current_leaf_id FROM conversations WHERE ? AND id = ? LIMIT 1`,
    );
    this.knownMessages = db.prepare('SELECT id, source_id, depth FROM messages WHERE conversation_id = ?');
    this.insertConversation = db.prepare(
      `INSERT INTO conversations (id, title, created_at, updated_at, pinned, provider_id, model_id, system_prompt,
         num_ctx, think, tools, current_leaf_id, message_count, source_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?)`,
    );
    this.insertMessage = db.prepare(
      `INSERT INTO messages (id, seq, conversation_id, parent_id, role, content, thinking, status, error_code,
         provider_id, model_id, usage, stats, attachments, tool_calls, source_id, created_at, updated_at, depth)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, ?18)`,
    );
    this.updateCounts = db.prepare(
      `UPDATE conversations SET
         message_count = (SELECT count(*) FROM messages WHERE conversation_id = conversations.id),
         updated_at = max(updated_at, ?), current_leaf_id = coalesce(?, current_leaf_id)
       WHERE id = ?`,
    );
    this.lastSeq = db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM messages WHERE conversation_id = ?');
    this.conversationIdTaken = db.prepare('SELECT 1 FROM conversations WHERE id = ?');
    this.messageIdTaken = db.prepare('SELECT 1 FROM messages WHERE id = ?');
  }

  /** What the conversation adds (reads only). A LightChat file keeps its own ids where they are free. */
  plan(conversation: ImportedConversation, keepIds: boolean): ImportPlan {
    const row = this.findConversation.get(conversation.sourceId, keepIds ? 1 : 0, conversation.sourceId) as
      | { id: string; current_leaf_id: string | null }
      | undefined;
    const known = row && { id: row.id, currentLeafId: row.current_leaf_id };
    const ids = new Map<string, string>();
    const depths = new Map<string, number | null>();
    if (known) {
      for (const stored of this.knownMessages.all(known.id) as {
        id: string;
        source_id: string | null;
        depth: number | null;
      }[]) {
        if (stored.source_id !== null) ids.set(stored.source_id, stored.id);
        if (keepIds) ids.set(stored.id, stored.id);
        depths.set(stored.id, stored.depth);
      }
    }
    const fresh = conversation.messages.filter((message) => !ids.has(message.sourceId));
    const conversationId = known?.id ?? this.idFor(conversation.sourceId, keepIds, this.conversationIdTaken);
    const seq = known ? Number((this.lastSeq.get(known.id) as { seq: number }).seq) : 0;
    return { conversation, keepIds, known, conversationId, ids, depths, fresh, seq };
  }

  /**
   * The rows of `plan.fresh[from, to)`, with their ids and parents (the conversation's row is
   * written with its first slice). Pass them to `insert`, then `finish` the plan's slice.
   */
  rows(plan: ImportPlan, from: number, to: number): MessageRow[] {
    const { conversationId, ids, depths } = plan;
    if (from === 0 && !plan.known) this.create(conversationId, plan.conversation);
    return plan.fresh.slice(from, to).map((message) => {
      const id = this.idFor(message.sourceId, plan.keepIds, this.messageIdTaken);
      const parentId = message.parentSourceId === null ? null : (ids.get(message.parentSourceId) ?? null);
      ids.set(message.sourceId, id);
      // Parents come first (`fresh` is in tree order), so a parent's depth is known by now.
      const parentDepth = parentId === null ? -1 : (depths.get(parentId) ?? null);
      const depth = parentDepth === null ? null : parentDepth + 1;
      depths.set(id, depth);
      plan.seq += 1;
      const kept = message.kept;
      return [
        id,
        plan.seq,
        conversationId,
        parentId,
        message.role,
        withNote(message),
        message.thinking,
        kept?.status ?? 'done',
        kept?.errorCode ?? null,
        kept?.providerId ?? null,
        kept?.modelId ?? null,
        jsonOrNull(kept?.usage),
        jsonOrNull(kept?.stats),
        JSON.stringify(kept?.attachments ?? []),
        JSON.stringify(kept?.toolCalls ?? []),
        message.sourceId,
        ms(message.createdAt),
        depth,
      ];
    });
  }

  /**
   * Several whole conversations, one after the other, in the caller's transaction (each sees what
   * the ones before it wrote). The number of messages each adds, or null for one with nothing new.
   */
  writeAll(
    conversations: readonly { conversation: ImportedConversation; keepIds: boolean }[],
  ): (number | null)[] {
    return conversations.map(({ conversation, keepIds }) => {
      const plan = this.plan(conversation, keepIds);
      if (plan.known && plan.fresh.length === 0) return null;
      this.insert(this.rows(plan, 0, plan.fresh.length));
      this.finish(plan, plan.fresh.length);
      return plan.fresh.length;
    });
  }

  /** Inserts message rows (a prepared statement a row: cheaper than one statement of JSON rows). */
  insert(rows: MessageRow[]): void {
    for (const row of rows) this.insertMessage.run(...row);
  }

  /** The conversation's count and time; its current leaf once its last slice is in (`to`). */
  finish(plan: ImportPlan, to: number): void {
    const leaf = to >= plan.fresh.length ? this.leafAfter(plan) : null;
    this.updateCounts.run(ms(plan.conversation.updatedAt), leaf, plan.conversationId);
  }

  private create(id: string, conversation: ImportedConversation): void {
    const firstUser = conversation.messages.find((message) => message.role === 'user');
    const title = conversation.title?.trim() ? conversation.title : firstLineTitle(firstUser?.content ?? '');
    const kept = conversation.kept;
    this.insertConversation.run(
      id,
      title ? cutTitle(title) : null,
      ms(conversation.createdAt),
      ms(conversation.updatedAt),
      kept?.pinned ? 1 : 0,
      kept?.providerId ?? null,
      kept?.modelId ?? null,
      kept?.systemPrompt ?? null,
      kept?.numCtx ?? null,
      thinkToColumn(kept?.think ?? null),
      kept?.tools ?? null,
      conversation.sourceId,
    );
  }

  /** A LightChat id is kept when it is a UUID not yet used; every other record gets a new id. */
  private idFor(sourceId: string, keepIds: boolean, taken: Statement): string {
    if (keepIds && UUID_PATTERN.test(sourceId) && !taken.get(sourceId)) return sourceId;
    return this.newId();
  }

  /**
   * Where the conversation shows its end: the file's current branch for a new conversation; for a
   * known one, the file's leaf only when it continues the branch the user was on.
   */
  private leafAfter({ conversation, ids, known }: ImportPlan): string | null {
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
