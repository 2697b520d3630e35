import type { LogEntry, NewLogEntry } from '../log-entry.js';

export interface ChatLogState {
  enabled: boolean;
  /** Why the log could not be written (read-only dir, disk full), until a write succeeds again. */
  writeError: string | null;
  dir: string;
}

export interface ChatLogSettings {
  enabled: boolean;
  dir: string;
  maxFiles: number;
  maxFileSizeBytes: number;
}

export interface ChatLog {
  /** Never throws, never waits for the disk. Secrets must not be passed in. */
  append(entry: NewLogEntry): void;
  /** The newest `limit` entries across files, oldest first. */
  recent(limit: number): Promise<LogEntry[]>;
  /** New entries as they are appended, until `signal` aborts. */
  tail(signal: AbortSignal): AsyncIterable<LogEntry>;
  state(): ChatLogState;
  /** Applies from the next rotation (dir, limits); `enabled` applies at once. */
  configure(settings: ChatLogSettings): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}
