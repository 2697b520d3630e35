import type { SearchResult } from '../../domain/conversation.js';
import { iso } from './rows.js';
import { ELLIPSIS, MARK_CLOSE, MARK_OPEN, markedToHtml, snippetAround } from './snippet.js';
import type { SqliteDatabase } from './sqlite.js';

/** bm25 ranks only the newest matches; the short-query path scans only the newest messages. */
export const RANKED_MATCHES = 2000;
export const SHORT_QUERY_MESSAGES = 5000;
const TRIGRAM = 3;

interface Hit {
  rowid: number;
  id: string;
  conversation_id: string;
  role: 'user' | 'assistant';
  created_at: number;
  title: string | null;
}

/**
 * Search over titles and final messages (CONTRACT section 10). Every word of the query is quoted (so
 * `c++`, `"`, `-x` or `AND` are plain text) and all must match. Words shorter than a trigram can't
 * use the index: alone they search by LIKE, next to longer words they filter the index's matches.
 */
export function searchHistory(db: SqliteDatabase, query: string, limit: number): SearchResult[] {
  const words = query.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const long = words.filter((word) => Array.from(word).length >= TRIGRAM);
  const short = words.filter((word) => Array.from(word).length < TRIGRAM);
  if (long.length === 0) return likeSearch(db, words, limit);
  const match = long.map((word) => `"${word.replaceAll('"', '""')}"`).join(' ');
  const titles = titleMatches(db, match, short, limit);
  const waiting = waitingMatches(db, words, limit - titles.length);
  return [...titles, ...waiting, ...messageMatches(db, match, short, limit - titles.length - waiting.length)];
}

const likePattern = (word: string): string => `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
const likeAll = (column: string, words: readonly string[]): string =>
  words.map(() => ` AND ${column} LIKE ? ESCAPE '\\'`).join('');

function titleMatches(
  db: SqliteDatabase,
  match: string,
  short: readonly string[],
  limit: number,
): SearchResult[] {
  if (limit <= 0) return [];
  const rows = db
    .prepare(
      `SELECT c.id, c.title, c.created_at, snippet(titles_fts, 0, ?, ?, ?, 64) AS marked
       FROM titles_fts JOIN conversations c ON c.rowid = titles_fts.rowid
       WHERE titles_fts MATCH ?${likeAll('c.title', short)}
       ORDER BY c.updated_at DESC LIMIT ?`,
    )
    .all(MARK_OPEN, MARK_CLOSE, ELLIPSIS, match, ...short.map(likePattern), limit) as {
    id: string;
    title: string;
    created_at: number;
    marked: string;
  }[];
  return rows.map((row) => ({
    conversationId: row.id,
    conversationTitle: row.title,
    messageId: null,
    role: null,
    snippet: markedToHtml(row.marked),
    createdAt: iso(row.created_at),
  }));
}

function messageMatches(
  db: SqliteDatabase,
  match: string,
  short: readonly string[],
  limit: number,
): SearchResult[] {
  if (limit <= 0) return [];
  const hits = db
    .prepare(
      `WITH hits AS (
         SELECT rowid, bm25(messages_fts) AS score FROM messages_fts
         WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ${RANKED_MATCHES}
       )
       SELECT m.rowid, m.id, m.conversation_id, m.role, m.created_at, c.title
       FROM hits JOIN messages m ON m.rowid = hits.rowid JOIN conversations c ON c.id = m.conversation_id
       WHERE 1${likeAll('m.content', short)}
       ORDER BY hits.score, m.rowid DESC LIMIT ?`,
    )
    .all(match, ...short.map(likePattern), limit) as unknown as Hit[];
  if (hits.length === 0) return [];
  const snippets = new Map(
    (
      db
        .prepare(
          `SELECT rowid, snippet(messages_fts, 0, ?, ?, ?, 64) AS marked FROM messages_fts
           WHERE messages_fts MATCH ? AND rowid IN (${hits.map(() => '?').join(',')})`,
        )
        .all(MARK_OPEN, MARK_CLOSE, ELLIPSIS, match, ...hits.map((hit) => hit.rowid)) as {
        rowid: number;
        marked: string;
      }[]
    ).map((row) => [row.rowid, row.marked]),
  );
  return hits.map((hit) => ({
    conversationId: hit.conversation_id,
    conversationTitle: hit.title,
    messageId: hit.id,
    role: hit.role,
    snippet: markedToHtml(snippets.get(hit.rowid) ?? ''),
    createdAt: iso(hit.created_at),
  }));
}

/**
 * Messages still waiting for the index (a large import is indexed in the background after it
 * answers): found by their text meanwhile, newest first, before the ranked matches.
 */
function waitingMatches(db: SqliteDatabase, words: readonly string[], limit: number): SearchResult[] {
  // CROSS JOIN keeps the waiting rows outermost: the planner would otherwise scan every message.
  if (limit <= 0 || db.prepare('SELECT 1 FROM messages_unindexed LIMIT 1').get() === undefined) return [];
  const rows = db
    .prepare(
      `SELECT m.id, m.conversation_id, m.role, m.content, m.created_at, c.title
       FROM messages_unindexed u CROSS JOIN messages m ON m.rowid = u.rowid
       JOIN conversations c ON c.id = m.conversation_id
       WHERE 1${likeAll('m.content', words)}
       ORDER BY m.rowid DESC LIMIT ?`,
    )
    .all(...words.map(likePattern), limit) as unknown as (Hit & { content: string })[];
  return rows.map(messageResult(words));
}

const messageResult =
  (words: readonly string[]) =>
  (row: Hit & { content: string }): SearchResult => ({
    conversationId: row.conversation_id,
    conversationTitle: row.title,
    messageId: row.id,
    role: row.role,
    snippet: snippetAround(row.content, words),
    createdAt: iso(row.created_at),
  });

/** Queries of one or two characters (most Chinese words): titles, then the newest messages, by LIKE. */
function likeSearch(db: SqliteDatabase, words: readonly string[], limit: number): SearchResult[] {
  const patterns = words.map(likePattern);
  const titles = db
    .prepare(
      `SELECT id, title, created_at FROM conversations WHERE title IS NOT NULL${likeAll('title', words)}
       ORDER BY updated_at DESC LIMIT ?`,
    )
    .all(...patterns, limit) as { id: string; title: string; created_at: number }[];
  const messages = db
    .prepare(
      `SELECT m.id, m.conversation_id, m.role, m.content, m.created_at, c.title
       FROM (SELECT rowid, id, conversation_id, role, content, created_at FROM messages
             WHERE status != 'streaming' ORDER BY rowid DESC LIMIT ${SHORT_QUERY_MESSAGES}) m
       JOIN conversations c ON c.id = m.conversation_id
       WHERE 1${likeAll('m.content', words)}
       ORDER BY m.rowid DESC LIMIT ?`,
    )
    .all(...patterns, Math.max(0, limit - titles.length)) as unknown as (Hit & { content: string })[];
  return [
    ...titles.map((row) => ({
      conversationId: row.id,
      conversationTitle: row.title,
      messageId: null,
      role: null,
      snippet: snippetAround(row.title, words),
      createdAt: iso(row.created_at),
    })),
    ...messages.map(messageResult(words)),
  ];
}
