import type { ConfigError } from '../config-error.js';
import type { Settings } from '../settings.js';

/** The settings file as last read: valid settings, or the error that names the line/path. */
export type SettingsSnapshot =
  | { ok: true; settings: Settings; revision: string }
  | { ok: false; error: ConfigError; revision: string };

export interface SaveOptions {
  /** The `revision` the caller edited; a different file on disk is a CONFIG_CONFLICT. */
  expectedRevision: string;
  /** Replace a file that does not parse or validate (a copy goes to `settings.yaml.bak`). */
  overwrite?: boolean;
}

export interface SettingsStore {
  readonly path: string;
  /** Reads and validates the file, creating the commented default file when it is missing. */
  load(): Promise<SettingsSnapshot>;
  /**
   * Validated settings only. Keeps the file's comments and key order; atomic; mode 0600.
   * Throws AppError CONFIG_CONFLICT / CONFIG_FILE_INVALID and leaves the file as it was.
   */
  save(settings: Settings, options: SaveOptions): Promise<SettingsSnapshot>;
  /** Called once per real change of the file's content by someone else (our own saves return their snapshot instead). */
  watch(onChange: (snapshot: SettingsSnapshot) => void): () => void;
  close(): Promise<void>;
}
