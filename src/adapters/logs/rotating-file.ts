import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { chatlogFileName, fileStamp, listChatlogFiles, makeLogDir } from './chatlog-files.js';
import { type FileLock, tryLock } from './file-lock.js';
import { applyRetention, type RotationLimits } from './retention.js';

export type { RotationLimits } from './retention.js';

/** One line on its way to disk; `dropped` is set when the disk refused it. */
export interface QueuedLine {
  readonly line: string;
  dropped?: boolean;
}

export interface RotatingFileOptions {
  limits: RotationLimits;
  now?: () => Date;
  onWriteError(error: unknown): void;
  /** A write succeeded after a failure. */
  onRecovered(): void;
  /** How long committed lines wait for the disk (default WRITE_DELAY_MS). */
  writeDelayMs?: number;
}

interface OpenFile {
  handle: FileHandle;
  dir: string;
  path: string;
  size: number;
  /** Held while the file is open: no other process appends to it or rotates it away meanwhile. */
  lock: FileLock;
}

/** How long committed lines may wait for the disk (a crash loses at most this much of the log). */
export const WRITE_DELAY_MS = 100;

/** How often one batch is written again after its file was deleted under it, before that counts as a failure. */
const MAX_REOPENS = 3;

/**
 * Our own rotating destination (pino-roll cannot name files `<stamp>.chatlog.jsonl` and splits lines):
 * `write` only queues; what a tick queued is committed at its end, and what was committed goes to disk
 * at most every WRITE_DELAY_MS in big writes, cut into files at line ends: a chat's `user` entry then
 * reaches the disk with its answer's entry, not in the window where the provider is working on the
 * first token (each write and its check cost a thread-pool round trip and wake-ups; bench row 2).
 * Disk operations run one at a time on one promise chain, so rotation, flush and close never interleave.
 * The open file is locked (`file-lock.ts`): no other process appends to it or rotates it away meanwhile.
 */
export class RotatingFile {
  /** Lines of this tick: turning logging off drops them (see `discardQueued`). */
  private queue: QueuedLine[] = [];
  /** Lines of past ticks, waiting for the next write. */
  private committed: QueuedLine[] = [];
  private scheduled = false;
  private writeTimer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private file: OpenFile | null = null;
  private failing = false;
  private lastName: { stamp: string; suffix: number } | null = null;
  private closed = false;
  /** The next file is a new one: the last was full, or a write into it failed (no line glued to a torn one). */
  private startFresh = false;
  private limits: RotationLimits;
  private readonly now: () => Date;

  constructor(private readonly options: RotatingFileOptions) {
    this.limits = options.limits;
    this.now = options.now ?? (() => new Date());
  }

  /** The hot path: no fs call, no promise. */
  write(item: QueuedLine): void {
    if (this.closed) {
      item.dropped = true;
      return;
    }
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.commit();
      this.writeTimer ??= setTimeout(() => {
        this.writeTimer = undefined;
        void this.run(() => this.writeQueued());
      }, this.options.writeDelayMs ?? WRITE_DELAY_MS);
    });
  }

  /** This tick's lines join those waiting for the disk. */
  private commit(): void {
    if (this.queue.length === 0) return;
    this.committed = this.committed.length === 0 ? this.queue : this.committed.concat(this.queue);
    this.queue = [];
  }

  /** New limits; a new dir is taken up at the next line (its newest file, if free), sizes and counts from the next line. */
  reconfigure(limits: RotationLimits): void {
    this.limits = limits;
  }

  /** Lines still queued will not be written: logging was turned off before they reached the disk. */
  discardQueued(): void {
    for (const item of this.queue) item.dropped = true;
    this.queue = [];
  }

  /** Resolves once every line queued before the call is on disk (or reported as failed). */
  flush(): Promise<void> {
    return this.run(() => this.writeQueued());
  }

  /** Writes what is queued and lets go of the file (and its lock); the next line may go on in it. */
  release(): Promise<void> {
    return this.run(async () => {
      await this.writeQueued();
      await this.closeFile();
    });
  }

  async close(): Promise<void> {
    await this.release();
    this.closed = true;
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
  }

  private run(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task);
    this.chain = next.catch(() => {});
    return this.chain;
  }

  private async writeQueued(): Promise<void> {
    this.commit();
    if (this.committed.length === 0) return;
    const batch = this.committed;
    this.committed = [];
    let start = 0;
    let reopens = 0;
    try {
      while (start < batch.length) {
        const file = await this.currentFile();
        const { end, bytes } = this.linesThatFit(batch, start, file.size);
        if (end === start) {
          await this.rotate(); // full: rotate at this line boundary
          continue;
        }
        const text = batch
          .slice(start, end)
          .map((item) => item.line)
          .join('');
        const { bytesWritten } = await file.handle.write(text);
        if (bytesWritten !== bytes)
          throw Object.assign(new Error('short write (disk full?)'), { code: 'ENOSPC' });
        if ((await file.handle.stat()).nlink === 0) {
          // Deleted under us (by a process that takes no lock): these lines again, into another file.
          if (++reopens > MAX_REOPENS)
            throw new Error('the log file keeps being deleted while it is written');
          await this.closeFile();
          continue;
        }
        file.size += bytes;
        start = end;
      }
      if (this.failing) {
        this.failing = false;
        this.options.onRecovered();
      }
    } catch (error) {
      for (const item of batch.slice(start)) item.dropped = true;
      this.startFresh = true;
      await this.closeFile();
      this.failing = true;
      this.options.onWriteError(error);
    }
  }

  /** From `start`, the lines that fit in a file holding `size` bytes; an empty file takes even one oversized line. */
  private linesThatFit(batch: QueuedLine[], start: number, size: number): { end: number; bytes: number } {
    let end = start;
    let bytes = 0;
    while (end < batch.length) {
      const lineBytes = Buffer.byteLength(batch[end]!.line);
      if (size + bytes + lineBytes > this.limits.maxFileSizeBytes && size + bytes > 0) break;
      bytes += lineBytes;
      end += 1;
    }
    return { end, bytes };
  }

  /**
   * A new file, opened before the full one is let go: while we hold the newest file, no other process
   * takes up the full one (it may go on only in the newest, unlocked file).
   */
  private async rotate(): Promise<void> {
    const full = this.file;
    this.file = null;
    this.startFresh = true;
    let next: OpenFile;
    try {
      next = await this.openFile();
    } finally {
      await closeOpenFile(full);
    }
    await applyRetention(this.limits, next.path);
  }

  private async currentFile(): Promise<OpenFile> {
    if (this.file && (this.file.dir !== this.limits.dir || this.file.lock.lost)) await this.closeFile();
    if (this.file) return this.file;
    const file = await this.openFile();
    await applyRetention(this.limits, file.path);
    return file;
  }

  private async openFile(): Promise<OpenFile> {
    const { dir } = this.limits;
    await makeLogDir(dir);
    const fresh = this.startFresh;
    this.startFresh = false;
    this.file = (fresh ? null : await this.continueNewest(dir)) ?? (await this.createFile(dir));
    return this.file;
  }

  /**
   * The newest file, to go on appending to it (so launches and logging off/on do not each cost a file): only
   * when no live process holds its lock, it is under the size limit and it ends with a whole line.
   */
  private async continueNewest(dir: string): Promise<OpenFile | null> {
    const newest = (await listChatlogFiles(dir)).at(-1);
    if (!newest) return null;
    const path = join(dir, newest.name);
    const lock = await tryLock(path).catch(() => null);
    if (!lock) return null;
    let handle: FileHandle | null = null;
    try {
      // No O_CREAT: a file rotated away since the listing is not brought back. O_APPEND: lines go at the end.
      handle = await open(path, constants.O_RDWR | constants.O_APPEND);
      const { size } = await handle.stat();
      if (size < this.limits.maxFileSizeBytes && (await endsWithWholeLine(handle, size)))
        return { handle, dir, path, size, lock };
    } catch {
      // Gone or unreadable: a new file it is.
    }
    await handle?.close().catch(() => {});
    await lock.release();
    return null;
  }

  private async createFile(dir: string): Promise<OpenFile> {
    const stamp = fileStamp(this.now());
    // Past every file of this second, even deleted ones of ours: a reused name would sort as the oldest.
    const taken = (await listChatlogFiles(dir))
      .filter((file) => file.stamp === stamp)
      .map((file) => file.suffix + 1);
    if (this.lastName?.stamp === stamp) taken.push(this.lastName.suffix + 1);
    for (let suffix = Math.max(0, ...taken); ; suffix += 1) {
      if (suffix > 100_000) throw new Error(`no free log file name in ${dir}`);
      const path = join(dir, chatlogFileName(stamp, suffix));
      // The name is locked before the file exists, so no other process takes it up between the two.
      const lock = await tryLock(path);
      if (!lock) continue; // another process is creating it
      try {
        // `ax`: created exclusively, so two processes sharing the dir never write into one file.
        const handle = await open(path, 'ax', 0o600);
        this.lastName = { stamp, suffix };
        return { handle, dir, path, size: 0, lock };
      } catch (error) {
        await lock.release();
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    this.file = null;
    await closeOpenFile(file);
  }
}

async function closeOpenFile(file: OpenFile | null): Promise<void> {
  if (!file) return;
  await file.handle.close().catch(() => {});
  await file.lock.release();
}

/** False when a process died in the middle of a line: appending would glue our first line to that torn one. */
async function endsWithWholeLine(handle: FileHandle, size: number): Promise<boolean> {
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}
