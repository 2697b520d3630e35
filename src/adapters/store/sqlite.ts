/**
 * The one import of `node:sqlite` (Node 26 renames `DatabaseSync` to `Database`; better-sqlite3 is
 * the fallback named in STACK-NOTES.md): everything else in the store goes through this module.
 * Loaded only inside the store's worker thread, never on the server's main thread.
 */
import { DatabaseSync } from 'node:sqlite';

export { DatabaseSync };
export type SqliteDatabase = DatabaseSync;

/** SQLite's primary result codes that the store acts on. */
export const SQLITE_BUSY = 5;
export const SQLITE_CORRUPT = 11;
export const SQLITE_FULL = 13;
export const SQLITE_NOTADB = 26;

/** The primary SQLite result code of an error thrown by `node:sqlite`, if it is one. */
export function sqliteCode(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('errcode' in error)) return null;
  const code = (error as { errcode: unknown }).errcode;
  return typeof code === 'number' ? code & 0xff : null;
}

/** Runs `work` in one transaction (BEGIN IMMEDIATE: the write lock is taken at once, not mid-way). */
export function transaction<T>(db: SqliteDatabase, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
