import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Attachment } from '../../domain/attachment.js';
import type { ImportResult } from '../../domain/conversation.js';
import { uuidV7 } from '../../domain/ids.js';
import type { AttachmentStore } from '../../domain/ports/attachment-store.port.js';
import { readImportStream, type StreamedReading } from './formats/import-stream.js';
import type { ImportedConversation } from './formats/imported-conversation.js';
import { ATTACHMENTS_FOLDER } from './formats/zip-export.js';
import { zipConversationsStream, zipEntries, zipEntryStream } from './formats/zip-stream.js';
import { type ImportPlan, ImportWriter } from './import-writer.js';
import { type SqliteDatabase, transaction } from './sqlite.js';

/**
 * The import's write path (CONTRACT section 10), in the store's worker: the file is read as it
 * streams and written in batches of whole conversations, at most 500 messages a transaction (a
 * conversation of more than 500 new messages alone, in slices of 500, parents first). Each
 * conversation is stored whole or not at all: one that fails is left out and reported, the others
 * stay. Nothing waits with a transaction open, so the worker's other requests (a chat being
 * written) run between two batches.
 */

export const IMPORT_BATCH_ROWS = 500;
const READ_CHUNK_BYTES = 256 * 1024;
/** Other requests wait at most about this long (plus one batch) behind an import. */
const PAUSE_EVERY_MS = 10;

export interface ImportOptions {
  db: SqliteDatabase;
  path: string;
  /**
   * Where the attached files a LightChat export carries go (its JSON's base64 `data`, its ZIP's
   * `attachments/<sha256>` entries): saved as uploads are, checked and content-addressed.
   */
  attachments?: Pick<AttachmentStore, 'save'>;
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
  const zip = await startsWithZip(path);
  const chunks = zip
    ? zipConversationsStream(path)
    : createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const result: ImportResult = { imported: 0, skipped: 0, failed: [], messages: 0 };
  // What was read and not yet written, in file order; `rows` counts its messages.
  let pending: StreamedReading[] = [];
  let rows = 0;
  const flush = () => {
    writeBatch(db, writer, pending, result);
    pending = [];
    rows = 0;
  };
  /** The files the messages name, by id: a ZIP's entries are saved under these names once its conversations are in. */
  const named = new Map<string, Attachment>();
  let paused = performance.now();
  for await (const reading of readImportStream(chunks)) {
    // Files first: a conversation's rows name its files as they were stored.
    if (reading.kind === 'conversation' && options.attachments) {
      await saveCarriedFiles(reading.conversation, options.attachments, named);
    }
    const size = reading.kind === 'conversation' ? reading.conversation.messages.length : 0;
    if (rows > 0 && rows + size > IMPORT_BATCH_ROWS) flush();
    pending.push(reading);
    rows += size;
    if (rows >= IMPORT_BATCH_ROWS) flush();
    // No transaction is open here: the worker may answer other requests before the next one.
    if (performance.now() - paused > PAUSE_EVERY_MS) {
      await pause();
      paused = performance.now();
    }
  }
  flush();
  if (zip && options.attachments && named.size > 0) await saveZipFiles(path, options.attachments, named);
  return result;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * The files a JSON export carries as base64, saved before the conversation's rows are written. A
 * file is stored under the hash of its bytes: when that is not the id the record gives (an edited
 * file), the message names the file as stored. A file that is refused (not what its type says, too
 * large) leaves its record, like a file deleted since.
 */
async function saveCarriedFiles(
  conversation: ImportedConversation,
  attachments: Pick<AttachmentStore, 'save'>,
  named: Map<string, Attachment>,
): Promise<void> {
  for (const message of conversation.messages) {
    const kept = message.kept;
    if (!kept) continue;
    for (const file of kept.attachments) named.set(file.id, file);
    for (const { attachment, base64 } of kept.files) {
      const saved = await attachments
        .save({
          name: attachment.name,
          declaredType: attachment.mimeType,
          body: once(Buffer.from(base64, 'base64')),
        })
        .catch(() => null);
      if (saved && saved.id !== attachment.id) {
        kept.attachments = kept.attachments.map((file) => (file.id === attachment.id ? saved : file));
      }
    }
    kept.files = [];
  }
}

/** A ZIP export's `attachments/<sha256>` entries that messages name, streamed into the attachment folder. */
async function saveZipFiles(
  path: string,
  attachments: Pick<AttachmentStore, 'save'>,
  named: Map<string, Attachment>,
): Promise<void> {
  for (const entry of await zipEntries(path)) {
    const id = entry.name.startsWith(ATTACHMENTS_FOLDER) ? entry.name.slice(ATTACHMENTS_FOLDER.length) : '';
    const file = named.get(id);
    if (!file) continue;
    // One file that can't be read or is refused leaves its record; the others are saved.
    await attachments
      .save({ name: file.name, declaredType: file.mimeType, body: zipEntryStream(path, entry) })
      .catch(() => null);
  }
}

/**
 * Readings of the file, in its order, into the result. Their conversations go in one transaction
 * (at most IMPORT_BATCH_ROWS messages); when that fails (a conversation that can't be stored, a full
 * disk), nothing of it stays and each conversation is written again in its own transaction, so that
 * every conversation is stored whole or reported, and earlier batches stay.
 */
function writeBatch(
  db: SqliteDatabase,
  writer: ImportWriter,
  readings: StreamedReading[],
  result: ImportResult,
): void {
  const conversations = readings.flatMap((reading) =>
    reading.kind === 'conversation'
      ? [{ conversation: reading.conversation, keepIds: reading.format === 'lightchat' }]
      : [],
  );
  let added: (number | null)[] | null = null;
  if (conversations.length > 1) {
    try {
      added = transaction(db, () => writer.writeAll(conversations));
    } catch {
      added = null;
    }
  }
  let at = 0;
  for (const reading of readings) {
    if (reading.kind === 'empty') result.skipped += 1;
    else if (reading.kind === 'failed') {
      result.failed.push({ sourceId: reading.failure.source_id, reason: reading.failure.reason });
    } else {
      const { conversation, keepIds } = conversations[at] as (typeof conversations)[number];
      try {
        const count = added ? (added[at] ?? null) : writeConversation(db, writer, conversation, keepIds);
        if (count === null) result.skipped += 1;
        else {
          result.imported += 1;
          result.messages += count;
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        result.failed.push({ sourceId: conversation.sourceId, reason: `It could not be stored: ${reason}` });
      }
      at += 1;
    }
  }
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
