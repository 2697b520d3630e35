import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ImportResult } from '../../domain/conversation.js';
import { uuidV7 } from '../../domain/ids.js';
import { readImportStream } from './formats/import-stream.js';
import type { ImportedConversation } from './formats/imported-conversation.js';
import { zipConversationsStream } from './formats/zip-stream.js';
import { type ImportPlan, ImportWriter } from './import-writer.js';
import { type SqliteDatabase, transaction } from './sqlite.js';

/**
 * The import's write path (CONTRACT section 10), in the store's worker: the file is read as it
 * streams and written one conversation per transaction (a conversation of more than 500 new
 * messages in slices of 500, parents first); one that fails is left out and reported, the others
 * stay.
 * Nothing waits with a transaction open, so the worker's other requests (a chat being written) run
 * between two batches.
 */

export const IMPORT_BATCH_ROWS = 500;
const READ_CHUNK_BYTES = 256 * 1024;
/** Other requests wait at most about this long (plus one batch) behind an import. */
const PAUSE_EVERY_MS = 10;

export interface ImportOptions {
  db: SqliteDatabase;
  path: string;
  newId?: () => string;
  /** Between batches: lets the worker answer other requests while a long import runs. */
  pause?: () => Promise<void>;
}

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
    if (reading.kind === 'empty') result.skipped += 1;
    else if (reading.kind === 'failed') {
      result.failed.push({ sourceId: reading.failure.source_id, reason: reading.failure.reason });
    } else {
      const { conversation } = reading;
      try {
        const added = writeConversation(db, writer, conversation, reading.format === 'lightchat');
        if (added === null) result.skipped += 1;
        else {
          result.imported += 1;
          result.messages += added;
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        result.failed.push({ sourceId: conversation.sourceId, reason: `It could not be stored: ${reason}` });
      }
    }
    // No transaction is open here: the worker may answer other requests before the next one.
    if (performance.now() - paused > PAUSE_EVERY_MS) {
      await pause();
      paused = performance.now();
    }
  }
  return result;
}

/**
 * One conversation in its own transaction, or in slices of 500 rows when it is longer (what a slice
 * wrote stays if a later one fails: importing the file again adds the rest). The number of messages
 * added, or null when the conversation is known and has nothing new.
 */
function writeConversation(
  db: SqliteDatabase,
  writer: ImportWriter,
  conversation: ImportedConversation,
  keepIds: boolean,
): number | null {
  const state: { plan?: ImportPlan; from: number } = { from: 0 };
  do {
    transaction(db, () => {
      // Planned inside the first transaction: it sees what is stored as it writes.
      state.plan ??= writer.plan(conversation, keepIds);
      const { plan, from } = state;
      if (plan.known && plan.fresh.length === 0) return;
      const to = Math.min(plan.fresh.length, from + IMPORT_BATCH_ROWS);
      writer.insert(writer.rows(plan, from, to));
      writer.finish(plan, to);
      state.from = to;
    });
  } while (state.plan !== undefined && state.from < state.plan.fresh.length);
  const { plan } = state;
  return plan === undefined || (plan.known && plan.fresh.length === 0) ? null : plan.fresh.length;
}
