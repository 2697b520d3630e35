import { type Logger, pino } from 'pino';
import { camelToSnake } from '../../domain/casing.js';
import type { LogEntry, NewLogEntry } from '../../domain/log-entry.js';
import type { ChatLog, ChatLogSettings, ChatLogState } from '../../domain/ports/chat-log.port.js';
import { LiveEntries } from './live-entries.js';
import { readNewestEntries } from './read-back.js';
import { redactText, redactValue } from './redact-secrets.js';
import { type QueuedLine, RotatingFile } from './rotating-file.js';

/**
 * The line's fields after `ts`, in the seed's order, named by the domain's one casing map (worked out once:
 * mapping every entry's keys cost ~1 µs an append). `details` goes through as it is.
 */
const DISK_KEYS = (['role', 'content', 'providerId', 'modelId', 'eventType', 'details'] as const).map(
  (key) => [key, camelToSnake(key)] as const,
);

/** Entries of this run kept in memory: the log drawer works (and says logging is off) without a disk. */
const MEMORY_ENTRIES = 1000;

export interface JsonlChatLogOptions {
  /** The clock used to name files (tests force same-second collisions with it). */
  now?: () => Date;
}

interface Remembered {
  entry: LogEntry;
  /** null: never meant for the disk (logging off, or the report of a disk failure). */
  line: QueuedLine | null;
}

/**
 * The chat log of CONTRACT section 7: JSON Lines built by pino (exactly the seed's fields, in order),
 * queued to our rotating destination and written asynchronously; files appear on the first real write.
 */
export class JsonlChatLog implements ChatLog {
  private settings: ChatLogSettings;
  private writeError: string | null = null;
  private closed = false;
  private memory: Remembered[] = [];
  private readonly live = new LiveEntries<LogEntry>();
  private readonly file: RotatingFile;
  private readonly logger: Logger;
  /** pino writes synchronously inside `info()`: these carry one entry's ts in and its queued line out. */
  private stamp = '';
  private lastLine: QueuedLine | null = null;

  constructor(settings: ChatLogSettings, options: JsonlChatLogOptions = {}) {
    this.settings = { ...settings };
    this.file = new RotatingFile({
      limits: limitsOf(settings),
      now: options.now,
      onWriteError: (error) => this.reportWriteError(error),
      onRecovered: () => this.reportRecovered(),
    });
    this.logger = pino(
      {
        base: null, // no pid, hostname
        formatters: { level: () => ({}) }, // no level
        // No leading comma: with the level gone, the documented `,"ts":…` form gives `{,"ts"…` (STACK-NOTES).
        timestamp: () => `"ts":"${this.stamp}"`,
      },
      {
        write: (line: string) => {
          this.lastLine = { line };
          this.file.write(this.lastLine);
        },
      },
    );
  }

  append(entry: NewLogEntry): void {
    try {
      const stamped = stampEntry(entry);
      this.remember(stamped, this.settings.enabled ? this.toDisk(stamped) : null);
    } catch {
      // Logging must never break a chat (CONTRACT section 7).
    }
  }

  async recent(limit: number): Promise<LogEntry[]> {
    const count = Math.max(0, Math.floor(limit));
    if (count === 0) return [];
    await this.file.flush();
    const onDisk = await readNewestEntries(this.settings.dir, count).catch(() => []);
    const onlyInMemory = this.memory
      .filter((item) => item.line === null || item.line.dropped)
      .map((item) => item.entry);
    // ISO timestamps sort as strings; the sort is stable, so equal times keep file order.
    return [...onDisk, ...onlyInMemory]
      .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0))
      .slice(-count);
  }

  tail(signal: AbortSignal): AsyncIterable<LogEntry> {
    return this.live.subscribe(this.closed ? AbortSignal.abort() : signal);
  }

  state(): ChatLogState {
    return { enabled: this.settings.enabled, writeError: this.writeError, dir: this.settings.dir };
  }

  configure(settings: ChatLogSettings): void {
    const wasEnabled = this.settings.enabled;
    this.settings = { ...settings };
    this.file.reconfigure(limitsOf(settings));
    if (wasEnabled && !settings.enabled) {
      // Also the lines of this very tick: the settings service logs "settings applied" just before it
      // reconfigures us, and a file that says `logging_enabled: false` must get nothing on disk.
      this.file.discardQueued();
      void this.file.release();
    }
  }

  flush(): Promise<void> {
    return this.file.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live.endAll();
    await this.file.close();
  }

  private toDisk(entry: LogEntry): QueuedLine | null {
    this.stamp = entry.ts;
    this.lastLine = null;
    const fields: Record<string, unknown> = {};
    for (const [key, diskKey] of DISK_KEYS) fields[diskKey] = entry[key]; // pino leaves out undefined
    this.logger.info(fields);
    return this.lastLine;
  }

  private remember(entry: LogEntry, line: QueuedLine | null): void {
    this.memory.push({ entry, line });
    if (this.memory.length >= 2 * MEMORY_ENTRIES) this.memory = this.memory.slice(-MEMORY_ENTRIES);
    this.live.publish(entry);
  }

  /** Once per failure: an `error` entry kept in memory (the disk cannot take it) and `state().writeError`. */
  private reportWriteError(error: unknown): void {
    if (this.writeError !== null) return;
    const code = (error as NodeJS.ErrnoException)?.code;
    const message = error instanceof Error ? error.message : String(error);
    this.writeError = redactText(code && !message.includes(code) ? `${code}: ${message}` : message);
    this.remember(
      stampEntry({
        role: 'error',
        content: `The chat log cannot be written in ${this.settings.dir} (${this.writeError}). Chats go on; this run's entries are kept in memory and writing is retried.`,
        eventType: 'log_write_failed',
        details: { dir: this.settings.dir, reason: this.writeError },
      }),
      null,
    );
  }

  private reportRecovered(): void {
    if (this.writeError === null) return;
    this.writeError = null;
    this.append({
      role: 'system',
      content: 'The chat log is written again',
      eventType: 'log_write_recovered',
      details: { dir: this.settings.dir },
    });
  }
}

/** The entry as it is kept and written: stamped, redacted, fields in the seed's order, no undefined keys. */
function stampEntry(entry: NewLogEntry): LogEntry {
  const stamped: LogEntry = {
    ts: new Date().toISOString(),
    role: entry.role,
    content: redactText(entry.content),
  };
  if (entry.providerId !== undefined) stamped.providerId = entry.providerId;
  if (entry.modelId !== undefined) stamped.modelId = entry.modelId;
  if (entry.eventType !== undefined) stamped.eventType = entry.eventType;
  if (entry.details !== undefined) stamped.details = redactValue(entry.details) as Record<string, unknown>;
  return stamped;
}

const limitsOf = ({ dir, maxFiles, maxFileSizeBytes }: ChatLogSettings) => ({
  dir,
  maxFiles: Math.max(1, Math.floor(maxFiles)),
  maxFileSizeBytes: Math.max(1, Math.floor(maxFileSizeBytes)),
});
