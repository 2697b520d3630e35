import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { chatlogFileName, fileStamp, listChatlogFiles } from './chatlog-files.js';

export interface RotationLimits {
  dir: string;
  maxFiles: number;
  maxFileSizeBytes: number;
}

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
}

interface OpenFile {
  handle: FileHandle;
  dir: string;
  path: string;
  size: number;
}

/**
 * Our own rotating destination (pino-roll cannot name files `<stamp>.chatlog.jsonl` and splits lines):
 * `write` only queues; the queue goes to disk once per tick in big writes, cut into files at line ends.
 * Disk operations run one at a time on one promise chain, so rotation, flush and close never interleave.
 */
export class RotatingFile {
  private queue: QueuedLine[] = [];
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private file: OpenFile | null = null;
  private failing = false;
  private lastName: { stamp: string; suffix: number } | null = null;
  private closed = false;
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
      void this.run(() => this.writeQueued());
    });
  }

  /** New limits; a new dir starts a new file at the next line, sizes and counts apply from the next line. */
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

  /** Writes what is queued and lets go of the file; the next line opens a new one. */
  release(): Promise<void> {
    return this.run(async () => {
      await this.writeQueued();
      await this.closeFile();
    });
  }

  async close(): Promise<void> {
    await this.release();
    this.closed = true;
  }

  private run(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task);
    this.chain = next.catch(() => {});
    return this.chain;
  }

  private async writeQueued(): Promise<void> {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    let start = 0;
    try {
      while (start < batch.length) {
        const file = await this.currentFile();
        const { end, bytes } = this.linesThatFit(batch, start, file.size);
        if (end === start) {
          await this.closeFile(); // full: rotate at this line boundary
          continue;
        }
        const text = batch
          .slice(start, end)
          .map((item) => item.line)
          .join('');
        const { bytesWritten } = await file.handle.write(text);
        if (bytesWritten !== bytes)
          throw Object.assign(new Error('short write (disk full?)'), { code: 'ENOSPC' });
        file.size += bytes;
        start = end;
      }
      if (this.failing) {
        this.failing = false;
        this.options.onRecovered();
      }
    } catch (error) {
      for (const item of batch.slice(start)) item.dropped = true;
      await this.closeFile(); // the next attempt starts a fresh file, so a torn line never gets glued to
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

  private async currentFile(): Promise<OpenFile> {
    if (this.file && this.file.dir !== this.limits.dir) await this.closeFile();
    if (this.file) return this.file;
    const { dir } = this.limits;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stamp = fileStamp(this.now());
    // Past every file of this second, even deleted ones of ours: a reused name would sort as the oldest.
    const taken = (await listChatlogFiles(dir))
      .filter((file) => file.stamp === stamp)
      .map((file) => file.suffix + 1);
    if (this.lastName?.stamp === stamp) taken.push(this.lastName.suffix + 1);
    for (let suffix = Math.max(0, ...taken); ; suffix += 1) {
      const path = join(dir, chatlogFileName(stamp, suffix));
      try {
        // `wx`: created exclusively, so two processes sharing the dir never write into one file.
        const file: OpenFile = { handle: await open(path, 'wx', 0o600), dir, path, size: 0 };
        this.file = file;
        this.lastName = { stamp, suffix };
        await this.deleteOldest(path);
        return file;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || suffix >= 100_000) throw error;
      }
    }
  }

  /** Keeps the newest `maxFiles`; never the file we have just opened. Races with other processes are harmless. */
  private async deleteOldest(current: string): Promise<void> {
    const { dir, maxFiles } = this.limits;
    const files = await listChatlogFiles(dir);
    const excess = files.slice(0, Math.max(0, files.length - Math.max(1, maxFiles)));
    for (const file of excess) {
      const path = join(dir, file.name);
      if (path !== current) await unlink(path).catch(() => {});
    }
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    this.file = null;
    await file?.handle.close().catch(() => {});
  }
}
