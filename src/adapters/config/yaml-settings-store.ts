import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import writeFileAtomic from 'write-file-atomic';
import { type Document, isMap } from 'yaml';
import type { ConfigError } from '../../domain/config-error.js';
import { AppError } from '../../domain/errors.js';
import type { SaveOptions, SettingsSnapshot, SettingsStore } from '../../domain/ports/settings-store.port.js';
import type { Settings } from '../../domain/settings.js';
import { DEFAULT_SETTINGS_FILE } from './default-settings-file.js';
import { detectIndent, restoreLayout } from './file-layout.js';
import { contentRevision, parseSettingsFile, type SettingsFile, snapshotOf } from './parse-settings-file.js';
import { restoreInterruptedSwap, type SwapStep, swapFile } from './swap-file.js';
import { updateSettingsDocument } from './update-settings-document.js';
import { type FileWatch, watchFile } from './watch-file.js';

export interface YamlSettingsStoreOptions {
  path: string;
  /** Quiet time before a change is read: one editor save is often several file events. */
  debounceMs?: number;
  /** Test hook: runs at each step of a save's swap, so a test can land an editor's save in each window. */
  onSaveStep?: (step: SaveStep) => Promise<void> | void;
}

export type SaveStep = SwapStep;

const FILE_MODE = 0o600;

/**
 * settings.yaml on disk: read and validated, created with comments when missing, watched for edits by any
 * editor, and saved in place (comments and key order kept, atomic, checked against the loaded revision).
 */
export class YamlSettingsStore implements SettingsStore {
  readonly path: string;
  private readonly debounceMs: number;
  private readonly listeners = new Set<(snapshot: SettingsSnapshot) => void>();
  private fileWatch: FileWatch | undefined;
  /** Revision of the content last read or written: a change event with this content is not a change. */
  private lastSeen: string | undefined;
  /** Loads, saves and change checks run one at a time, so a save never races its own change event. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: YamlSettingsStoreOptions) {
    this.path = options.path;
    this.debounceMs = options.debounceMs ?? 75;
  }

  load(): Promise<SettingsSnapshot> {
    return this.serial(async () => {
      let text: string | undefined;
      try {
        text = await this.read();
        if (text === undefined) {
          await restoreInterruptedSwap(this.path);
          text = await this.read();
        }
        if (text === undefined) {
          await this.createDefaultFile();
          text = (await this.read()) ?? DEFAULT_SETTINGS_FILE;
        }
      } catch (error) {
        return { ok: false, error: unreadable(this.path, error), revision: '' };
      }
      const file = parseSettingsFile(text);
      this.lastSeen = file.revision;
      return snapshotOf(file);
    });
  }

  save(settings: Settings, options: SaveOptions): Promise<SettingsSnapshot> {
    return this.serial(() =>
      this.saveNow(settings, options).catch((error: unknown) => {
        if (error instanceof AppError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new AppError('INTERNAL', `Could not save ${this.path}: ${reason}`, { cause: error });
      }),
    );
  }

  private async saveNow(settings: Settings, options: SaveOptions): Promise<SettingsSnapshot> {
    const onDisk = await this.read();
    const current = onDisk === undefined ? undefined : parseSettingsFile(onDisk);
    // A deleted file has nothing to lose: the save writes it again (from the default file's layout).
    if (current && current.revision !== options.expectedRevision) throw conflict(this.path);
    if (current && !current.result.ok && !options.overwrite)
      throw fileInvalid(this.path, current.result.error);
    if (current?.result.ok && sameSettings(current.result.settings, settings)) {
      // Nothing changed: leave the file (and its mtime) alone.
      this.lastSeen = current.revision;
      return snapshotOf(current);
    }
    const base = editableBase(current);
    const text = render(base.doc, base.layout, settings);
    if (current && !current.result.ok) await this.backUp(current.text);
    if (!current) await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    // Written only if the file still holds what was checked above: a hand edit meanwhile is kept.
    const swapped = await swapFile({
      path: this.path,
      expected: onDisk,
      text,
      mode: FILE_MODE,
      onStep: this.options.onSaveStep,
    });
    if (!swapped) throw conflict(this.path);
    const written = parseSettingsFile(text);
    this.lastSeen = written.revision;
    return snapshotOf(written);
  }

  watch(onChange: (snapshot: SettingsSnapshot) => void): () => void {
    this.listeners.add(onChange);
    if (!this.fileWatch && !this.closed) {
      this.fileWatch = watchFile(this.path, this.debounceMs, () => void this.checkForChange());
    }
    return () => {
      this.listeners.delete(onChange);
    };
  }

  /** Resolves once file changes are being seen (tests and hosts that need to know). */
  async watching(): Promise<void> {
    await this.fileWatch?.ready;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.fileWatch?.close();
    this.fileWatch = undefined;
    await this.queue;
  }

  private checkForChange(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      let snapshot: SettingsSnapshot;
      try {
        const text = await this.read();
        // Deleted (or mid delete+recreate): the last good settings stay in force until the file is back.
        if (text === undefined) return;
        const revision = contentRevision(text);
        if (revision === this.lastSeen) return;
        this.lastSeen = revision;
        snapshot = snapshotOf(parseSettingsFile(text));
      } catch (error) {
        if (this.lastSeen === '') return;
        this.lastSeen = '';
        snapshot = { ok: false, error: unreadable(this.path, error), revision: '' };
      }
      for (const listener of this.listeners) {
        try {
          listener(snapshot);
        } catch {
          // A listener's failure is its own; the other listeners and the watch go on.
        }
      }
    });
  }

  private async read(): Promise<string | undefined> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async createDefaultFile(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    try {
      // `wx`: if another process created the file meanwhile, theirs is kept.
      await writeFile(this.path, DEFAULT_SETTINGS_FILE, { flag: 'wx', mode: FILE_MODE });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  private async backUp(text: string): Promise<void> {
    const backup = `${this.path}.bak`;
    await writeFileAtomic(backup, text, { mode: FILE_MODE });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The Document a save edits: the file's own when it is YAML with settings in it, else the default file. */
function editableBase(current: SettingsFile | undefined): { doc: Document; layout: string } {
  if (current?.doc && isMap(current.doc.contents)) return { doc: current.doc, layout: current.text };
  const template = parseSettingsFile(DEFAULT_SETTINGS_FILE);
  if (!template.doc) throw new AppError('INTERNAL', 'The built-in default settings file does not parse.');
  return { doc: template.doc, layout: DEFAULT_SETTINGS_FILE };
}

/** Prints the edited Document and proves it reads back as exactly `settings` before anything is written. */
function render(doc: Document, layout: string, settings: Settings): string {
  updateSettingsDocument(doc, settings);
  const printed = doc.toString({ lineWidth: 0, ...detectIndent(layout) });
  // The layout restore is cosmetic; should it ever change a value, the plain print is used instead.
  const candidates = [restoreLayout(layout, printed), printed];
  for (const text of candidates) {
    const check = parseSettingsFile(text).result;
    if (check.ok && sameSettings(check.settings, settings)) return text;
  }
  const check = parseSettingsFile(printed).result;
  const problem = check.ok ? 'they would not read back the same' : check.error.message;
  throw new AppError('CONFIG_INVALID', `The settings were not saved: ${problem}.`, {
    details: { issues: check.ok ? [] : [{ path: check.error.path ?? [], message: check.error.message }] },
  });
}

/** Settings compare by meaning: an absent optional key equals an undefined one. */
const sameSettings = (a: Settings, b: Settings): boolean =>
  isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));

const conflict = (path: string) =>
  new AppError(
    'CONFIG_CONFLICT',
    'settings.yaml was changed on disk since you loaded it. Reload and apply your change again.',
    { details: { path } },
  );

function fileInvalid(path: string, error: ConfigError): AppError {
  const where = error.line === undefined ? '' : `line ${error.line}: `;
  return new AppError(
    'CONFIG_FILE_INVALID',
    `settings.yaml is not valid (${where}${error.message}), so it was not changed. Fix it by hand, or save with overwrite to replace it (the old file is kept as settings.yaml.bak).`,
    { details: { path, error } },
  );
}

function unreadable(path: string, error: unknown): ConfigError {
  const reason = error instanceof Error ? error.message : String(error);
  return { message: `cannot read ${path}: ${reason}` };
}
