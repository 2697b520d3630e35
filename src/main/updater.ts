import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ChatLog } from '../domain/ports/chat-log.port.js';
import { subscriptionQueue } from '../shared/async-queue.js';

/** What the UI shows about self-update (the IPC-only `update.status` subscription, CONTRACT section 5). */
export const updateStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('idle') }),
  z.object({ state: z.literal('checking') }),
  z.object({ state: z.literal('available'), version: z.string(), notes: z.string().nullable() }),
  z.object({ state: z.literal('not-available') }),
  z.object({ state: z.literal('downloading'), percent: z.number().min(0).max(100) }),
  z.object({ state: z.literal('ready'), version: z.string() }),
  z.object({ state: z.literal('error'), message: z.string() }),
]);
export type UpdateStatus = z.infer<typeof updateStatusSchema>;

/**
 * The part of electron-updater's `AppUpdater` we use, injected so that tests (and this file)
 * never load `electron`. The caller passes `(await import('electron-updater')).autoUpdater`.
 */
export interface UpdateEngine {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export interface UpdaterOptions {
  autoUpdater: UpdateEngine;
  app: { isPackaged: boolean; getVersion(): string };
  log: Pick<ChatLog, 'append'>;
  isChatStreaming: () => boolean;
  /**
   * False for builds that cannot update themselves: unsigned `--dir` builds carry no
   * `app-update.yml` (see `hasUpdateConfig`). Defaults to true.
   */
  canSelfUpdate?: () => boolean;
}

export type UpdateRefusedReason = 'chat_streaming' | 'not_ready';

/** What "Restart to update" answers: a refusal is an answer the UI shows, not an error. */
export type InstallAnswer =
  | { installing: true }
  | { installing: false; reason: UpdateRefusedReason; message: string };

export interface Updater {
  status(): UpdateStatus;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (status: UpdateStatus) => void): () => void;
  /** The current status, then every change, until `signal` aborts (a tRPC subscription body). */
  changes(signal: AbortSignal): AsyncIterable<UpdateStatus>;
  /** "Check for Updates…": resolves with the status once the check has been started or skipped. */
  checkNow(): Promise<UpdateStatus>;
  /** The check at launch: only in a packaged build that can update itself. Returns whether it checked. */
  startupCheck(): Promise<boolean>;
  /** "Restart to update": refused while a chat streams or before an update is downloaded. */
  install(): InstallAnswer;
}

/** electron-builder writes `app-update.yml` into Resources only for publishable (dmg/zip) builds. */
export function hasUpdateConfig(resourcesPath: string): boolean {
  return existsSync(join(resourcesPath, 'app-update.yml'));
}

const updateInfoSchema = z.object({
  version: z.string(),
  releaseNotes: z
    .union([z.string(), z.array(z.object({ version: z.string(), note: z.string().nullable() }))])
    .nullish(),
});
const progressSchema = z.object({ percent: z.number() });

/** electron-updater gives notes as HTML text or, with `fullChangelog`, one entry per version. */
function readNotes(notes: z.infer<typeof updateInfoSchema>['releaseNotes']): string | null {
  if (notes == null) return null;
  if (typeof notes === 'string') return notes;
  return notes.map((entry) => `${entry.version}: ${entry.note ?? ''}`).join('\n');
}

function readVersion(info: unknown): { version: string; notes: string | null } {
  const parsed = updateInfoSchema.safeParse(info);
  if (!parsed.success) return { version: 'unknown', notes: null };
  return { version: parsed.data.version, notes: readNotes(parsed.data.releaseNotes) };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Unknown update error';
}

export function createUpdater(options: UpdaterOptions): Updater {
  const { autoUpdater, app, log, isChatStreaming } = options;
  const canSelfUpdate = options.canSelfUpdate ?? (() => true);
  const listeners = new Set<(status: UpdateStatus) => void>();
  let current: UpdateStatus = { state: 'idle' };

  autoUpdater.autoDownload = true;
  // A downloaded update installs when the user quits, so nothing ever interrupts a chat.
  autoUpdater.autoInstallOnAppQuit = true;

  function set(next: UpdateStatus): void {
    // checkNow() says "checking" at once and electron-updater says it again: tell listeners once.
    if (JSON.stringify(next) === JSON.stringify(current)) return;
    current = next;
    for (const listener of listeners) listener(next);
  }

  function fail(error: unknown): void {
    const message = errorMessage(error);
    set({ state: 'error', message });
    log.append({
      role: 'error',
      content: `Update failed: ${message}`,
      eventType: 'update_error',
      details: { current_version: app.getVersion() },
    });
  }

  autoUpdater.on('checking-for-update', () => set({ state: 'checking' }));
  autoUpdater.on('update-available', (info: unknown) => {
    const { version, notes } = readVersion(info);
    set({ state: 'available', version, notes });
    log.append({
      role: 'system',
      content: `LightChat ${version} is available (running ${app.getVersion()}); downloading it.`,
      eventType: 'update_available',
      details: { version, current_version: app.getVersion() },
    });
  });
  autoUpdater.on('update-not-available', () => set({ state: 'not-available' }));
  autoUpdater.on('download-progress', (progress: unknown) => {
    const parsed = progressSchema.safeParse(progress);
    const percent = parsed.success ? Math.min(100, Math.max(0, parsed.data.percent)) : 0;
    set({ state: 'downloading', percent });
  });
  autoUpdater.on('update-downloaded', (info: unknown) => {
    const { version } = readVersion(info);
    set({ state: 'ready', version });
    log.append({
      role: 'system',
      content: `LightChat ${version} is downloaded; it installs on restart or when you quit.`,
      eventType: 'update_downloaded',
      details: { version, current_version: app.getVersion() },
    });
  });
  autoUpdater.on('update-cancelled', () => set({ state: 'idle' }));
  autoUpdater.on('error', (error: unknown) => fail(error));

  async function checkNow(): Promise<UpdateStatus> {
    // A check in flight or a finished download needs no second request.
    if (current.state === 'checking' || current.state === 'downloading' || current.state === 'ready') {
      return current;
    }
    if (!app.isPackaged || !canSelfUpdate()) {
      set({
        state: 'error',
        message:
          'Updates work only in the installed, signed LightChat app (download it from GitHub Releases).',
      });
      return current;
    }
    set({ state: 'checking' });
    try {
      await autoUpdater.checkForUpdates();
    } catch (error) {
      // electron-updater emits `error` before rejecting; log the failure once.
      if (current.state !== 'error') fail(error);
    }
    return current;
  }

  return {
    status: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changes: (signal) => statusChanges({ first: () => current, listeners, signal }),
    checkNow,
    async startupCheck() {
      if (!app.isPackaged || !canSelfUpdate()) return false;
      await checkNow();
      return true;
    },
    install() {
      if (isChatStreaming()) {
        return {
          installing: false,
          reason: 'chat_streaming',
          message: 'A chat is still streaming: stop it or wait for it to finish, then restart to update.',
        };
      }
      if (current.state !== 'ready') {
        return { installing: false, reason: 'not_ready', message: 'No update has been downloaded yet.' };
      }
      autoUpdater.quitAndInstall(false, true);
      return { installing: true };
    },
  };
}

/** The current status, then each change, queued so a slow consumer misses none. */
function statusChanges(input: {
  first: () => UpdateStatus;
  listeners: Set<(status: UpdateStatus) => void>;
  signal: AbortSignal;
}): AsyncIterable<UpdateStatus> {
  return subscriptionQueue<UpdateStatus>((push) => {
    push(input.first());
    input.listeners.add(push);
    return () => input.listeners.delete(push);
  }, input.signal);
}
