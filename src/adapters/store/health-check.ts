import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  SQLITE_BUSY,
  SQLITE_CORRUPT,
  SQLITE_FULL,
  SQLITE_NOTADB,
  type SqliteDatabase,
  sqliteCode,
} from './sqlite.js';

/** SQLite's result codes that say nothing about the file's health: no check after them. */
const SQLITE_LOCKED = 6;
const SQLITE_INTERRUPT = 9;
const SQLITE_CONSTRAINT = 19;
const HARMLESS = new Set([SQLITE_BUSY, SQLITE_LOCKED, SQLITE_INTERRUPT, SQLITE_FULL, SQLITE_CONSTRAINT]);

/**
 * After an SQLite error, is the file damaged? CONTRACT section 10: `PRAGMA quick_check` runs only
 * after an error (or on demand), never at every open. Returns why it is damaged, or null when the
 * error says nothing about the file or the check finds it whole.
 */
export function damageAfter(db: SqliteDatabase, error: unknown): string | null {
  const code = sqliteCode(error);
  if (code === null || HARMLESS.has(code)) return null;
  if (code === SQLITE_CORRUPT || code === SQLITE_NOTADB) return (error as Error).message;
  return quickCheck(db);
}

/** `PRAGMA quick_check`: null when the file is whole, else its first complaint. */
export function quickCheck(db: SqliteDatabase): string | null {
  try {
    const rows = db.prepare('PRAGMA quick_check(5)').all() as { quick_check: string }[];
    const problems = rows.map((row) => row.quick_check).filter((line) => line !== 'ok');
    return problems.length === 0 ? null : `quick_check: ${problems.join('; ')}`;
  } catch (checkError) {
    const code = sqliteCode(checkError);
    if (code === SQLITE_CORRUPT || code === SQLITE_NOTADB) return (checkError as Error).message;
    return null;
  }
}

/**
 * "Delete all history" (CONTRACT section 10) takes the copies beside the database with it: the
 * snapshots taken before migrations (`<db>.pre-v<N>`) and damaged files kept aside (`<db>.damaged-*`).
 * Returns the names removed.
 */
export function removeHistoryCopies(path: string): string[] {
  const name = basename(path);
  const prefixes = [`${name}.pre-v`, `${name}.damaged-`];
  const removed: string[] = [];
  for (const entry of readdirSync(dirname(path))) {
    if (!prefixes.some((prefix) => entry.startsWith(prefix))) continue;
    rmSync(join(dirname(path), entry), { force: true });
    removed.push(entry);
  }
  return removed;
}
