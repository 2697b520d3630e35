import { chmodSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../domain/errors.js';
import { MIGRATIONS, type Migration } from './schema.js';
import { DatabaseSync, type SqliteDatabase } from './sqlite.js';

/** Snapshots taken before migrations that are kept (`lightchat.db.pre-v<N>`). */
export const SNAPSHOTS_KEPT = 3;

export const userVersion = (db: SqliteDatabase): number =>
  Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);

/**
 * Brings the database to the newest schema: under the write lock (no other process writes
 * meanwhile), after a `VACUUM INTO` snapshot, in one transaction — a failure leaves the database as
 * it was, with the snapshot beside it. Another process that migrated first makes this a no-op.
 */
export function migrate(
  db: SqliteDatabase,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  const latest = migrations.at(-1)?.version ?? 0;
  if (userVersion(db) >= latest) return;
  db.exec('BEGIN EXCLUSIVE');
  let snapshot: string | null = null;
  let from = 0;
  try {
    from = userVersion(db);
    if (from >= latest) {
      db.exec('COMMIT');
      return;
    }
    if (from > 0) snapshot = takeSnapshot(path, latest);
    for (const migration of migrations) {
      if (migration.version > from) db.exec(migration.sql);
    }
    db.exec(`PRAGMA user_version = ${latest}`);
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw new AppError(
      'HISTORY_UNAVAILABLE',
      `Upgrading the history database ${path} from version ${from} to ${latest} failed: ${error instanceof Error ? error.message : String(error)}. Nothing in it was changed${snapshot ? `; a copy from before is at ${snapshot}` : ''}.`,
      { details: { reason: 'migration_failed', path, ...(snapshot ? { snapshot } : {}) }, cause: error },
    );
  }
  pruneSnapshots(path);
}

/**
 * `VACUUM INTO` can't run inside a transaction, so a second connection takes the snapshot while
 * this one holds the write lock: it reads exactly what the migration starts from.
 */
function takeSnapshot(path: string, version: number): string {
  const target = `${path}.pre-v${version}`;
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const reader = new DatabaseSync(path, { readOnly: true });
  try {
    reader.prepare('VACUUM INTO ?').run(partial);
  } finally {
    reader.close();
  }
  chmodSync(partial, 0o600);
  renameSync(partial, target);
  return target;
}

function pruneSnapshots(path: string): void {
  const prefix = `${basename(path)}.pre-v`;
  const versions = readdirSync(dirname(path))
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => Number(name.slice(prefix.length)))
    .sort((a, b) => b - a);
  for (const version of versions.slice(SNAPSHOTS_KEPT)) {
    const file = join(dirname(path), `${prefix}${version}`);
    if (existsSync(file)) rmSync(file);
  }
}
