import type { BranchEnd } from '../../domain/ports/conversation-store.port.js';
import { type MessageRow, toMessage } from './rows.js';
import type { SqliteDatabase } from './sqlite.js';

/**
 * The end of a branch read from its leaf up (the store's `branchEnd`): a recursive walk of at most
 * `last` parents, the messages it reached, and their versions (the `messages_children` index). How
 * many come before is the first message's stored `depth`: nothing reads the rest of the branch.
 */
export function readBranchEnd(
  db: SqliteDatabase,
  columns: string,
  conversationId: string,
  window: { leafId: string | null; last: number; before?: string },
): BranchEnd | null {
  let end = window.leafId;
  if (window.before !== undefined) {
    const before = db
      .prepare('SELECT parent_id FROM messages WHERE id = ? AND conversation_id = ?')
      .get(window.before, conversationId) as { parent_id: string | null } | undefined;
    if (!before) return null;
    end = before.parent_id;
  }
  if (end === null) return { messages: [], earlier: 0 };
  const rows = db
    .prepare(
      `WITH RECURSIVE up(id, parent_id, n) AS (
         SELECT id, parent_id, 1 FROM messages WHERE id = ? AND conversation_id = ?
         UNION ALL
         SELECT messages.id, messages.parent_id, up.n + 1 FROM up JOIN messages ON messages.id = up.parent_id
         WHERE up.n < ?
       )
       SELECT ${columns}, depth FROM messages WHERE id IN (SELECT id FROM up) ORDER BY seq`,
    )
    .all(end, conversationId, window.last) as unknown as (MessageRow & { depth: number | null })[];
  const first = rows[0];
  if (!first) return { messages: [], earlier: 0 };
  const versions = versionsOf(db, conversationId, rows);
  return {
    messages: rows.map((row) => ({ ...toMessage(row), siblingIds: versions.get(row.parent_id) ?? [row.id] })),
    earlier: first.depth ?? ancestorsOf(db, first.id),
  };
}

/** Every version at the places of `rows`, oldest first, by parent (null: the conversation's roots). */
function versionsOf(
  db: SqliteDatabase,
  conversationId: string,
  rows: readonly MessageRow[],
): Map<string | null, string[]> {
  const parents = [...new Set(rows.flatMap((row) => (row.parent_id === null ? [] : [row.parent_id])))];
  const children = db
    .prepare(
      `SELECT messages.id, messages.parent_id FROM json_each(?) AS parent
       CROSS JOIN messages INDEXED BY messages_children
         ON messages.conversation_id = ? AND messages.parent_id = parent.value
       ORDER BY messages.seq`,
    )
    .all(JSON.stringify(parents), conversationId) as { id: string; parent_id: string | null }[];
  if (rows.some((row) => row.parent_id === null)) {
    children.push(
      ...(db
        .prepare(
          `SELECT id, parent_id FROM messages INDEXED BY messages_children
           WHERE conversation_id = ? AND parent_id IS NULL ORDER BY seq`,
        )
        .all(conversationId) as { id: string; parent_id: null }[]),
    );
  }
  const versions = new Map<string | null, string[]>();
  for (const child of children)
    versions.set(child.parent_id, [...(versions.get(child.parent_id) ?? []), child.id]);
  return versions;
}

/** A message with no stored depth (none should be left after migration 5): its ancestors, counted. */
function ancestorsOf(db: SqliteDatabase, id: string): number {
  const row = db
    .prepare(
      `WITH RECURSIVE up(id, parent_id) AS (
         SELECT id, parent_id FROM messages WHERE id = ?
         UNION ALL
         SELECT messages.id, messages.parent_id FROM up JOIN messages ON messages.id = up.parent_id
       )
       SELECT count(*) - 1 AS n FROM up`,
    )
    .get(id) as { n: number };
  return Number(row.n);
}
