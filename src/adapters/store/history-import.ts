import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ImportResult } from '../../domain/conversation.js';
import { uuidV7 } from '../../domain/ids.js';
import { readImportStream } from './formats/import-stream.js';
import type { ImportedConversation } from './formats/imported-conversation.js';
import { zipConversationsStream } from './formats/zip-stream.js';
import { type ImportPlan, ImportWriter, type MessageRow } from './import-writer.js';
import { type SqliteDatabase, transaction } from './sqlite.js';

/**
 * The import's write path (CONTRACT section 10), in the store's worker: the file is read as it
 * streams and written in transactions of at most 500 rows, whole conversations together; one that
 * fails is left out and reported, the others stay. A conversation of more than 500 messages is
 * written in slices of 500, parents first.
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

interface Pending {
  conversation: ImportedConversation;
  keepIds: boolean;
}

export async function importHistoryFile(options: ImportOptions): Promise<ImportResult> {
  const { path } = options;
  const batches = new ImportBatches(
    options.db,
    new ImportWriter(options.db, options.newId ?? (() => uuidV7())),
  );
  const pause = options.pause ?? nextTurn;
  const chunks = (await startsWithZip(path))
    ? zipConversationsStream(path)
    : createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  let pending: Pending[] = [];
  let rows = 0;
  let paused = performance.now();
  const flush = async () => {
    batches.write(pending);
    pending = [];
    rows = 0;
    if (performance.now() - paused > PAUSE_EVERY_MS) {
      await pause();
      paused = performance.now();
    }
  };
  for await (const reading of readImportStream(chunks)) {
    if (reading.kind === 'empty') batches.result.skipped += 1;
    else if (reading.kind === 'failed') {
      batches.result.failed.push({ sourceId: reading.failure.source_id, reason: reading.failure.reason });
    } else {
      const size = reading.conversation.messages.length;
      if (rows > 0 && rows + size > IMPORT_BATCH_ROWS) await flush();
      pending.push({ conversation: reading.conversation, keepIds: reading.format === 'lightchat' });
      rows += size;
      if (rows >= IMPORT_BATCH_ROWS) await flush();
    }
  }
  await flush();
  return batches.result;
}

/** Writes conversations a batch at a time, and counts what they added. */
class ImportBatches {
  readonly result: ImportResult = { imported: 0, skipped: 0, failed: [], messages: 0 };

  constructor(
    private readonly db: SqliteDatabase,
    private readonly writer: ImportWriter,
  ) {}

  /** Small conversations together in one transaction; a large one in slices of its own. */
  write(pending: Pending[]): void {
    let group: Pending[] = [];
    for (const entry of pending) {
      if (entry.conversation.messages.length <= IMPORT_BATCH_ROWS) {
        group.push(entry);
        continue;
      }
      this.writeGroup(group);
      group = [];
      this.writeLarge(entry);
    }
    this.writeGroup(group);
  }

  /**
   * One transaction for the group. If any conversation of it fails, the group is rolled back and
   * written again one conversation per transaction, so only the one that fails is left out.
   * (Not a savepoint per conversation: FTS5 writes its index out at every savepoint, which made an
   * import several times slower.)
   */
  private writeGroup(group: Pending[]): void {
    if (group.length === 0) return;
    const counted = { imported: 0, skipped: 0, messages: 0 };
    try {
      transaction(this.db, () => {
        const plans: ImportPlan[] = [];
        const rows: MessageRow[] = [];
        for (const { conversation, keepIds } of group) {
          const plan = this.writer.plan(conversation, keepIds);
          if (plan.known && plan.fresh.length === 0) {
            counted.skipped += 1;
            continue;
          }
          rows.push(...this.writer.rows(plan, 0, plan.fresh.length));
          plans.push(plan);
          counted.imported += 1;
          counted.messages += plan.fresh.length;
        }
        this.writer.insert(rows);
        for (const plan of plans) this.writer.finish(plan, plan.fresh.length);
      });
    } catch (error) {
      if (group.length > 1) {
        for (const entry of group) this.writeGroup([entry]);
        return;
      }
      this.fail(group[0]?.conversation as ImportedConversation, error);
      return;
    }
    this.result.imported += counted.imported;
    this.result.skipped += counted.skipped;
    this.result.messages += counted.messages;
  }

  /** What a slice wrote stays if a later one fails: importing the file again adds the rest. */
  private writeLarge({ conversation, keepIds }: Pending): void {
    try {
      const plan = this.writer.plan(conversation, keepIds);
      const added = plan.fresh.length;
      if (plan.known && added === 0) {
        this.result.skipped += 1;
        return;
      }
      for (let from = 0; from < added; from += IMPORT_BATCH_ROWS) {
        const to = Math.min(added, from + IMPORT_BATCH_ROWS);
        transaction(this.db, () => {
          this.writer.insert(this.writer.rows(plan, from, to));
          this.writer.finish(plan, to);
        });
      }
      this.result.imported += 1;
      this.result.messages += added;
    } catch (error) {
      this.fail(conversation, error);
    }
  }

  private fail(conversation: ImportedConversation, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.result.failed.push({ sourceId: conversation.sourceId, reason: `It could not be stored: ${reason}` });
  }
}
