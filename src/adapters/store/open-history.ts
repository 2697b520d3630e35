import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '../../domain/errors.js';
import type { HistoryStatus } from '../../domain/ports/conversation-store.port.js';
import { migrate, userVersion } from './migrate.js';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './schema.js';
import { DatabaseSync, SQLITE_CORRUPT, SQLITE_NOTADB, type SqliteDatabase, sqliteCode } from './sqlite.js';

export const DATABASE_FILE = 'lightchat.db';
const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export type Unavailable = Extract<HistoryStatus, { available: false }>;
export type OpenedHistory =
  | { ok: true; db: SqliteDatabase; path: string }
  | { ok: false; status: Unavailable };

export const databasePath = (dataDir: string): string => join(dataDir, DATABASE_FILE);

/**
 * Opens `lightchat.db` for use, or says why it can't be used. A file that is not a database, or that
 * a newer LightChat wrote, is refused before anything is written to it (CONTRACT section 10).
 */
export function openHistory(dataDir: string, migrations: readonly Migration[] = MIGRATIONS): OpenedHistory {
  const path = databasePath(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (existsSync(path)) {
    if (!hasSqliteHeader(path)) return { ok: false, status: damaged(path, 'it is not an SQLite database') };
  } else {
    // Created empty with mode 0600 first: SQLite gives its -wal and -shm files the same mode.
    closeSync(openSync(path, 'wx', 0o600));
  }
  let db: SqliteDatabase | null = null;
  try {
    db = new DatabaseSync(path);
    db.exec('PRAGMA busy_timeout = 5000');
    const version = userVersion(db);
    const latest = migrations.at(-1)?.version ?? LATEST_VERSION;
    if (version > latest) {
      db.close();
      return { ok: false, status: newerVersion(path, version, latest) };
    }
    chmodSync(path, 0o600);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    db.exec('PRAGMA secure_delete = ON');
    // Statement journals in memory: an insert that may abort (a UNIQUE column, a trigger) keeps the
    // pages it changes there, and once one spilled to a temp file every insert wrote ~4 pages to it
    // (an import's 100,000 messages: 800,000 writes of 1,000,000). Each holds one statement's pages.
    db.exec('PRAGMA temp_store = MEMORY');
    migrate(db, path, migrations);
    return { ok: true, db, path };
  } catch (error) {
    db?.close();
    const code = sqliteCode(error);
    if (code === SQLITE_NOTADB || code === SQLITE_CORRUPT) {
      return { ok: false, status: damaged(path, (error as Error).message) };
    }
    if (isAppError(error) && error.code === 'HISTORY_UNAVAILABLE') {
      return {
        ok: false,
        status: { available: false, reason: 'migration_failed', path, message: error.message },
      };
    }
    throw error;
  }
}

function hasSqliteHeader(path: string): boolean {
  if (statSync(path).size === 0) return true;
  const header = Buffer.alloc(HEADER.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  return header.equals(HEADER);
}

export const damaged = (path: string, why: string): Unavailable => ({
  available: false,
  reason: 'damaged',
  path,
  message: `The history database ${path} is damaged (${why}). It was left untouched; chat works without history. "Start a new history" keeps the file as ${DATABASE_FILE}.damaged-<time> and begins an empty one.`,
});

export const newerVersion = (path: string, version: number, latest: number): Unavailable => ({
  available: false,
  reason: 'newer_version',
  path,
  message: `The history database ${path} was written by a newer LightChat (schema version ${version}; this one knows up to ${latest}). It was left untouched: update LightChat to use your history. Chat works without it.`,
});
