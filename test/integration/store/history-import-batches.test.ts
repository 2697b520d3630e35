import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryDatabase } from '../../../src/adapters/store/history-database.js';
import { IMPORT_BATCH_ROWS, importHistoryFile } from '../../../src/adapters/store/history-import.js';
import { openHistory } from '../../../src/adapters/store/open-history.js';
import { OwnerLocks } from '../../../src/adapters/store/owner-locks.js';
import { DatabaseSync, type SqliteDatabase } from '../../../src/adapters/store/sqlite.js';
import { uuidV7 } from '../../../src/domain/ids.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { historyWorld, tempDataDir } from './support.js';

/**
 * The import writes whole conversations in batches of at most IMPORT_BATCH_ROWS messages a
 * transaction (a 10,000-conversation export in 200 transactions, not 10,000), and still stores
 * each conversation whole or reports it.
 */

const uuid = (kind: number, n: number): string =>
  `0192${kind.toString(16).padStart(4, '0')}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

interface Spec {
  /** Message texts, user and assistant alternately, each the next one's parent. */
  texts: string[];
}

/** A LightChat export of the conversations, written to a temp file. */
function exportFile(dir: string, conversations: Spec[]): string {
  const file = {
    format: 'lightchat.conversations',
    version: 1,
    conversations: conversations.map((spec, c) => ({
      id: uuid(1, c),
      title: `Conversation ${c}`,
      created_at: '2025-01-01T00:00:00.000Z',
      updated_at: '2025-01-02T00:00:00.000Z',
      messages: spec.texts.map((content, m) => ({
        id: uuid(2, c * 1000 + m),
        parent_id: m === 0 ? null : uuid(2, c * 1000 + m - 1),
        role: m % 2 === 0 ? 'user' : 'assistant',
        content,
        created_at: '2025-01-01T00:00:00.000Z',
      })),
    })),
  };
  const path = join(dir, 'export.json');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

const small = (c: number): Spec => ({ texts: [`question ${c}`, `answer ${c}`] });

/** The connection, counting the transactions begun on it. */
function counted(db: SqliteDatabase): { db: SqliteDatabase; transactions: () => number } {
  let begun = 0;
  const exec = db.exec.bind(db);
  const wrapped = new Proxy(db, {
    get(target, key) {
      if (key === 'exec') {
        return (sql: string) => {
          if (/^\s*BEGIN/i.test(sql)) begun += 1;
          return exec(sql);
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: wrapped, transactions: () => begun };
}

const waiting = (db: SqliteDatabase): number =>
  Number((db.prepare('SELECT count(*) AS n FROM messages_unindexed').get() as { n: number }).n);

function openedDb(dataDir: string): SqliteDatabase {
  const opened = openHistory(dataDir);
  if (!opened.ok) throw new Error(opened.status.message);
  return opened.db;
}

describe('import in batches', () => {
  it('writes many small conversations a batch of messages per transaction, with every count right', async () => {
    const dataDir = tempDataDir();
    const path = exportFile(
      dataDir,
      Array.from({ length: 1000 }, (_, c) => small(c)),
    );
    const db = openedDb(dataDir);
    try {
      const { db: watched, transactions } = counted(db);
      const result = await importHistoryFile({ db: watched, path });
      expect(result).toEqual({ imported: 1000, skipped: 0, failed: [], messages: 2000 });
      // 2,000 messages: 4 batches of 500, not 1,000 transactions (one for each conversation).
      expect(transactions()).toBeLessThanOrEqual(Math.ceil(2000 / IMPORT_BATCH_ROWS) + 1);
      const counts = db
        .prepare('SELECT count(*) AS n, sum(message_count = 2) AS whole FROM conversations')
        .get() as { n: number; whole: number };
      expect(counts).toEqual({ n: 1000, whole: 1000 });
      const leaves = db
        .prepare(
          `SELECT count(*) AS n FROM conversations JOIN messages ON messages.id = conversations.current_leaf_id
           WHERE messages.role = 'assistant'`,
        )
        .get() as { n: number };
      expect(leaves.n).toBe(1000);
    } finally {
      db.close();
    }
  });

  it('keeps SQLite statement journals in memory, so an insert that may abort writes no temp file', () => {
    const db = openedDb(tempDataDir());
    try {
      // 2 = MEMORY. With files, an import's inserts wrote about 800,000 pages to temp files.
      expect(db.prepare('PRAGMA temp_store').get()).toEqual({ temp_store: 2 });
    } finally {
      db.close();
    }
  });

  it('a batch holds at most IMPORT_BATCH_ROWS messages; a longer conversation is written alone, in slices', async () => {
    const dataDir = tempDataDir();
    const long: Spec = { texts: Array.from({ length: 1200 }, (_, m) => `long ${m}`) };
    const path = exportFile(dataDir, [small(0), small(1), long, small(3)]);
    const db = openedDb(dataDir);
    try {
      const { db: watched, transactions } = counted(db);
      const result = await importHistoryFile({ db: watched, path });
      expect(result).toEqual({ imported: 4, skipped: 0, failed: [], messages: 1206 });
      // Two small ones, the long one in 3 slices, the last small one.
      expect(transactions()).toBe(5);
    } finally {
      db.close();
    }
  });

  it('a conversation that cannot be stored is reported; the others of its batch are stored whole and it leaves nothing', async () => {
    const dataDir = tempDataDir();
    const conversations = Array.from({ length: 20 }, (_, c) => small(c));
    conversations[7] = { texts: ['fine question', 'fine answer', 'poison', 'after the poison'] };
    const path = exportFile(dataDir, conversations);
    const db = openedDb(dataDir);
    try {
      // A store failure in the middle of one conversation, from SQLite itself.
      db.exec(`CREATE TEMP TRIGGER poison BEFORE INSERT ON main.messages WHEN new.content = 'poison'
               BEGIN SELECT RAISE(ABORT, 'this message is poisoned'); END`);
      const result = await importHistoryFile({ db, path });
      expect(result).toEqual({
        imported: 19,
        skipped: 0,
        failed: [{ sourceId: uuid(1, 7), reason: expect.stringMatching(/could not be stored.*poisoned/) }],
        messages: 38,
      });
      const stored = db
        .prepare('SELECT source_id, message_count FROM conversations ORDER BY source_id')
        .all() as { source_id: string; message_count: number }[];
      expect(stored.map((row) => row.source_id)).toEqual(
        Array.from({ length: 20 }, (_, c) => uuid(1, c)).filter((id) => id !== uuid(1, 7)),
      );
      expect(stored.every((row) => row.message_count === 2)).toBe(true);
      const poisoned = db.prepare("SELECT count(*) AS n FROM messages WHERE content LIKE 'fine%'").get() as {
        n: number;
      };
      expect(poisoned.n).toBe(0);
    } finally {
      db.close();
    }
  });

  it('a disk that fills mid-import keeps the batches written before, each conversation whole, and reports the rest', async () => {
    const dataDir = tempDataDir();
    const text = (c: number, m: number) => `${'filler text '.repeat(40)} ${c}.${m}`;
    const conversations = Array.from({ length: 400 }, (_, c) => ({
      texts: Array.from({ length: 4 }, (_, m) => text(c, m)),
    }));
    const path = exportFile(dataDir, conversations);
    const db = openedDb(dataDir);
    try {
      const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
      // Room for about half of the file's text (and its search index).
      db.exec(`PRAGMA max_page_count = ${pages + 250}`);
      const result = await importHistoryFile({ db, path });
      expect(result.imported).toBeGreaterThan(0);
      expect(result.imported).toBeLessThan(400);
      expect(result.imported + result.failed.length).toBe(400);
      expect(result.messages).toBe(result.imported * 4);
      for (const failure of result.failed) expect(failure.reason).toMatch(/could not be stored.*full/i);
      const rows = db.prepare('SELECT source_id, message_count FROM conversations').all() as {
        source_id: string;
        message_count: number;
      }[];
      expect(rows).toHaveLength(result.imported);
      expect(rows.every((row) => row.message_count === 4)).toBe(true);
      const failedIds = new Set(result.failed.map((failure) => failure.sourceId));
      expect(rows.some((row) => failedIds.has(row.source_id))).toBe(false);
      const orphans = db
        .prepare(
          'SELECT count(*) AS n FROM messages WHERE conversation_id NOT IN (SELECT id FROM conversations)',
        )
        .get() as { n: number };
      expect(orphans.n).toBe(0);
    } finally {
      db.close();
    }
  });

  it('an import answers before the search index has its messages; search finds them meanwhile, then by the index', async () => {
    const dataDir = tempDataDir();
    const conversations = Array.from({ length: 1200 }, (_, c) => small(c));
    conversations[123] = { texts: ['where is the quillwort growing', 'by the lake'] };
    conversations[1199] = { texts: ['last one', 'ends with marshwort'] };
    const path = exportFile(dataDir, conversations);
    const db = openedDb(dataDir);
    try {
      const history = new HistoryDatabase(db, new OwnerLocks(dataDir, uuidV7()));
      expect((await importHistoryFile({ db, path })).imported).toBe(1200);
      // 2,400 messages wait for the index: the import did not build it.
      expect(waiting(db)).toBe(2400);
      const marsh = history.search('marshwort', 20);
      expect(marsh.map((hit) => hit.snippet)).toEqual([expect.stringContaining('marshwort')]);
      // A search indexes one batch, not the whole import: the rest is left to the background.
      expect(waiting(db)).toBe(2400 - IMPORT_BATCH_ROWS);
      expect(history.search('quillwort', 20)).toHaveLength(1);
      while (history.indexPending() > 0);
      // Found by the index now, once each.
      expect(history.search('quillwort', 20).map((hit) => hit.snippet)).toEqual([
        expect.stringContaining('<mark>quillwort</mark>'),
      ]);
      expect(history.search('marshwort', 20)).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('through the store: search finds an import at once, and its worker indexes the rest by itself', async () => {
    const { dataDir, service } = await historyWorld();
    const conversations = Array.from({ length: 1200 }, (_, c) => small(c));
    conversations[1199] = { texts: ['last one', 'ends with marshwort'] };
    expect((await service.import(createReadStream(exportFile(dataDir, conversations)))).imported).toBe(1200);
    expect(await service.search('marshwort')).toHaveLength(1);
    const reader = new DatabaseSync(join(dataDir, 'lightchat.db'), { readOnly: true });
    try {
      await waitFor(() => waiting(reader) === 0, 'the store indexes the import in the background');
      expect(await service.search('marshwort')).toHaveLength(1);
    } finally {
      reader.close();
    }
  });
});
