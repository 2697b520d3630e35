import { existsSync, renameSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError, toAppError } from '../../domain/errors.js';
import type { HistoryStatus } from '../../domain/ports/conversation-store.port.js';
import { damageAfter, removeHistoryCopies } from './health-check.js';
import { HistoryDatabase } from './history-database.js';
import { userVersion } from './migrate.js';
import { damaged, databasePath, newerVersion, openHistory } from './open-history.js';
import { OwnerLocks } from './owner-locks.js';
import { LATEST_VERSION } from './schema.js';
import { SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB, type SqliteDatabase, sqliteCode } from './sqlite.js';
import type { StoreReply, StoreRequest, WorkerOptions } from './worker-protocol.js';

/**
 * The store's worker thread: it owns the SQLite connection, so `busy_timeout` waits and long
 * statements never block the server's main thread (Electron's main thread in the desktop app).
 */

const options = workerData as WorkerOptions;
const port = parentPort;
if (!port) throw new Error('store-worker runs only as a worker thread');
const post = (reply: StoreReply) => port.postMessage(reply);

const locks = new OwnerLocks(options.dataDir, options.ownerId);
const path = databasePath(options.dataDir);
let db: SqliteDatabase | null = null;
let history: HistoryDatabase | null = null;
let status: HistoryStatus = { available: false, reason: 'failed', path, message: 'History is starting.' };
let dataVersion = 0;
let checkpointPending = false;

function open(): void {
  const opened = openHistory(options.dataDir);
  if (!opened.ok) {
    setStatus(opened.status);
    return;
  }
  db = opened.db;
  if (options.maxPageCount) db.exec(`PRAGMA max_page_count = ${Math.floor(options.maxPageCount)}`);
  history = new HistoryDatabase(db, locks);
  locks.acquire();
  history.recoverInterrupted();
  dataVersion = readDataVersion(db);
  setStatus({ available: true, path });
  // Answers that ended just before a crash (or were interrupted by it) reach the search index now.
  backgroundSoon(0);
}

/**
 * Work nobody waits for (the search index of what became final, then a checkpoint of what the
 * chat's writes left in the WAL) starts this long after the write that left it, not at once. A
 * chat's final write is answered, then the server's main thread sends `done` and its client reads
 * it: taken at once, the index of a 20,000-token answer (~10-15 ms of this thread's CPU) held a core
 * of two while they did, and the final write's answer reached the main thread 1.2 ms (median, load
 * 1-4) after it was posted, against 0.2 ms for the turn's write, which no index follows (bench 12a).
 * Well under the 100 ms the bench waits for a quiet server before its next chat.
 */
const BACKGROUND_DELAY_MS = 25;

/** Cancels the background work that is planned (null: none is). */
let background: (() => void) | null = null;
/** A turn or an answer was written with the automatic checkpoint off (HistoryDatabase.withoutCheckpoint). */
let checkpointDue = false;

/**
 * Runs the background work `delayMs` from now (or when already planned, then). 0: right after the
 * requests already waiting, as between two index batches (an import's backlog is 200 of them).
 */
function backgroundSoon(delayMs = BACKGROUND_DELAY_MS): void {
  if (background !== null) return;
  if (delayMs === 0) {
    const immediate = setImmediate(backgroundWork);
    background = () => clearImmediate(immediate);
  } else {
    const timeout = setTimeout(backgroundWork, delayMs);
    background = () => clearTimeout(timeout);
  }
}

/**
 * Checkpoints what a chat's writes left in the WAL, then indexes final messages for search, a batch
 * at a time with requests served in between (see schema.ts, versions 4 and 5). In that order: the
 * first commit after a whole checkpoint starts the WAL again and syncs its header (with
 * `synchronous=NORMAL`, ~0.8 ms on this disk), and that commit is then the index's, not the next
 * chat's turn (the turn's write after a checkpoint took 1.43 ms median against 0.65 otherwise).
 */
function backgroundWork(): void {
  background = null;
  if (!history) return;
  try {
    if (checkpointDue) {
      checkpointDue = false;
      history.checkpoint();
    }
    if (history.indexPending() > 0) backgroundSoon(0);
  } catch (error) {
    // Left waiting (disk full…): the next search or start-up indexes it, the next chat checkpoints.
    failure(error);
  }
}

function setStatus(next: HistoryStatus): void {
  status = next;
  post({ type: 'status', status });
}

/** Stops using the database (it is left as it is): a newer schema under us, or damage found. */
function stopUsing(next: HistoryStatus): void {
  try {
    db?.close();
  } catch {}
  db = null;
  history = null;
  setStatus(next);
}

const readDataVersion = (connection: SqliteDatabase): number =>
  Number((connection.prepare('PRAGMA data_version').get() as { data_version: number }).data_version);

/**
 * Another process committed (`data_version` moved): tell the main thread. If it migrated the
 * schema past what this LightChat knows, stop writing rather than write an old schema.
 */
function poll(): void {
  if (!db) return;
  try {
    const version = readDataVersion(db);
    if (version !== dataVersion) {
      dataVersion = version;
      const schema = userVersion(db);
      if (schema > LATEST_VERSION) {
        stopUsing(newerVersion(path, schema, LATEST_VERSION));
        return;
      }
      post({ type: 'change' });
    }
    if (checkpointPending) purge(1);
  } catch (error) {
    failure(error);
  }
}

/**
 * Deleted text must leave the WAL too: a TRUNCATE checkpoint copies the zeroed pages into the
 * database and empties the WAL. Another process reading blocks it; then it is retried.
 */
function purge(attempts: number): void {
  if (!db) return;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const result = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number };
    if (result.busy === 0) {
      checkpointPending = false;
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  checkpointPending = true;
}

function failure(error: unknown): AppError {
  const code = sqliteCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === SQLITE_FULL) {
    return new AppError(
      'HISTORY_UNAVAILABLE',
      `The disk holding ${path} is full (${message}): this could not be stored. Nothing stored before was lost; free some space and it works again.`,
      { details: { reason: 'disk_full', path } },
    );
  }
  // Any other SQLite error may come from a damaged file: quick_check says (only now, never at open).
  const damage = db
    ? damageAfter(db, error)
    : code === SQLITE_CORRUPT || code === SQLITE_NOTADB
      ? message
      : null;
  if (damage !== null) {
    const next = damaged(path, damage);
    stopUsing(next);
    return new AppError('HISTORY_UNAVAILABLE', next.message, { details: { reason: 'damaged', path } });
  }
  return toAppError(error);
}

function unavailable(): AppError {
  const current = status.available ? null : status;
  return new AppError('HISTORY_UNAVAILABLE', current?.message ?? 'History is not open.', {
    details: { reason: current?.reason ?? 'failed', path },
  });
}

const PURGING = new Set(['delete', 'deleteAll', 'deleteMessages']);

function handle(request: Exclude<StoreRequest, { op: 'importFile' }>): unknown {
  if (request.op === 'close') {
    clearInterval(timer);
    background?.();
    background = null;
    if (db && history) {
      // Answers this process still streams can't go on after it: keep them, marked interrupted.
      history.interruptOwn();
      db.exec('PRAGMA wal_checkpoint(PASSIVE)');
      db.close();
    }
    locks.release();
    db = null;
    history = null;
    return null;
  }
  if (request.op === 'startNewHistory') {
    if (!status.available && status.reason === 'damaged') {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      for (const suffix of ['', '-wal', '-shm']) {
        if (existsSync(path + suffix)) renameSync(path + suffix, `${path}.damaged-${stamp}${suffix}`);
      }
      open();
    }
    return status;
  }
  if (!history) throw unavailable();
  const method = history[request.op] as (...args: unknown[]) => unknown;
  const value = method.apply(history, request.args);
  if (PURGING.has(request.op)) purge(20);
  // A turn's question waits for its answer's final write and is indexed with it, in one transaction:
  // indexed right after the turn was written, it took the store's thread (and a commit) while the
  // provider was being asked for the first token. A search indexes what waits first.
  if (request.op === 'addTurn' || request.op === 'updateMessage') checkpointDue = true;
  if (request.op === 'updateMessage') backgroundSoon();
  if (request.op === 'deleteAll') removeHistoryCopies(path);
  return value;
}

/** An import runs between other requests (it pauses after each batch), answered when it ends. */
function importFile(request: Extract<StoreRequest, { op: 'importFile' }>): void {
  const answer = (error: unknown) => {
    const appError = error instanceof AppError ? error : failure(error);
    post({
      type: 'failure',
      id: request.id,
      error: { code: appError.code, message: appError.message, details: appError.details },
    });
  };
  if (!db) {
    answer(unavailable());
    return;
  }
  const connection = db;
  // The import formats (and their parsers) load on the first import, not at every start-up.
  Promise.all([import('./history-import.js'), import('./attachment-files.js')])
    .then(([{ importHistoryFile }, { AttachmentFiles, attachmentsDir }]) =>
      importHistoryFile({
        db: connection,
        path: request.args[0],
        attachments: new AttachmentFiles({ dir: attachmentsDir(options.dataDir) }),
      }),
    )
    .then((value) => post({ type: 'result', id: request.id, value }), answer)
    // What it stored reaches the search index now, a batch at a time between requests.
    .finally(() => backgroundSoon());
}

port.on('message', (request: StoreRequest) => {
  if (request.op === 'importFile') {
    importFile(request);
    return;
  }
  try {
    post({ type: 'result', id: request.id, value: handle(request) });
  } catch (error) {
    const appError = error instanceof AppError ? error : failure(error);
    post({
      type: 'failure',
      id: request.id,
      error: { code: appError.code, message: appError.message, details: appError.details },
    });
  }
});

const timer = setInterval(poll, options.pollMs);
try {
  open();
} catch (error) {
  const appError = failure(error);
  if (status.available || (status.reason !== 'damaged' && status.reason !== 'newer_version')) {
    setStatus({ available: false, reason: 'failed', path, message: appError.message });
  }
}
