import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppUpdater } from 'electron-updater';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { NewLogEntry } from '../../src/domain/log-entry.js';
import {
  createUpdater,
  hasUpdateConfig,
  type UpdateEngine,
  type UpdateStatus,
  updateStatusSchema,
} from '../../src/main/updater.js';

/** A stand-in for electron-updater's AppUpdater: an EventEmitter whose check we script per test. */
class FakeAutoUpdater extends EventEmitter implements UpdateEngine {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  checks = 0;
  installs: Array<[boolean | undefined, boolean | undefined]> = [];
  onCheck: (self: FakeAutoUpdater) => Promise<unknown> = async () => null;

  checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    return this.onCheck(this);
  }

  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }

  /** What electron-updater emits for a release that downloads fine. */
  releaseFound(version: string, notes = 'Faster streaming.'): void {
    this.emit('checking-for-update');
    this.emit('update-available', { version, releaseNotes: notes, files: [], path: '', sha512: '' });
    this.emit('download-progress', { percent: 42.5, bytesPerSecond: 1, total: 100, transferred: 42 });
    this.emit('update-downloaded', { version, releaseNotes: notes, downloadedFile: '/tmp/x.zip' });
  }
}

function world(overrides: { isPackaged?: boolean; streaming?: boolean; canSelfUpdate?: boolean } = {}) {
  const autoUpdater = new FakeAutoUpdater();
  const logged: NewLogEntry[] = [];
  let streaming = overrides.streaming ?? false;
  const updater = createUpdater({
    autoUpdater,
    app: { isPackaged: overrides.isPackaged ?? true, getVersion: () => '0.1.0' },
    log: { append: (entry) => logged.push(entry) },
    isChatStreaming: () => streaming,
    canSelfUpdate: () => overrides.canSelfUpdate ?? true,
  });
  const seen: UpdateStatus[] = [];
  updater.subscribe((status) => seen.push(status));
  return {
    autoUpdater,
    updater,
    logged,
    seen,
    setStreaming: (value: boolean) => {
      streaming = value;
    },
  };
}

describe('updater', () => {
  it("accepts electron-updater's real AppUpdater as its engine (checked by tsc)", () => {
    expectTypeOf<AppUpdater>().toExtend<UpdateEngine>();
  });

  it('downloads automatically and installs on quit, so a chat is never interrupted', () => {
    const { autoUpdater } = world();
    expect(autoUpdater.autoDownload).toBe(true);
    expect(autoUpdater.autoInstallOnAppQuit).toBe(true);
  });

  it('checks at start-up in a packaged build', async () => {
    const { autoUpdater, updater } = world({ isPackaged: true });
    expect(await updater.startupCheck()).toBe(true);
    expect(autoUpdater.checks).toBe(1);
  });

  it('does not check at start-up in development (not packaged)', async () => {
    const { autoUpdater, updater } = world({ isPackaged: false });
    expect(await updater.startupCheck()).toBe(false);
    expect(autoUpdater.checks).toBe(0);
    expect(updater.status()).toEqual({ state: 'idle' });
  });

  it('does not check at start-up in a build that cannot update itself (unsigned --dir build)', async () => {
    const { autoUpdater, updater } = world({ canSelfUpdate: false });
    expect(await updater.startupCheck()).toBe(false);
    expect(autoUpdater.checks).toBe(0);
  });

  it('explains, instead of checking, when "Check for Updates…" is used in development', async () => {
    const { autoUpdater, updater } = world({ isPackaged: false });
    const status = await updater.checkNow();
    expect(autoUpdater.checks).toBe(0);
    expect(status).toMatchObject({ state: 'error', message: expect.stringContaining('installed, signed') });
  });

  it('passes every status of a found release to subscribers, in order', async () => {
    const { autoUpdater, updater, seen } = world();
    autoUpdater.onCheck = async (self) => self.releaseFound('0.2.0');
    await updater.checkNow();
    expect(seen).toEqual([
      { state: 'checking' },
      { state: 'available', version: '0.2.0', notes: 'Faster streaming.' },
      { state: 'downloading', percent: 42.5 },
      { state: 'ready', version: '0.2.0' },
    ]);
    for (const status of seen) expect(updateStatusSchema.parse(status)).toEqual(status);
    expect(updater.status()).toEqual({ state: 'ready', version: '0.2.0' });
  });

  it('reports "up to date" when there is no newer release', async () => {
    const { autoUpdater, updater } = world();
    autoUpdater.onCheck = async (self) => {
      self.emit('update-not-available', { version: '0.1.0' });
    };
    expect(await updater.checkNow()).toEqual({ state: 'not-available' });
  });

  it('joins per-version release notes into one text', async () => {
    const { autoUpdater, updater, seen } = world();
    autoUpdater.onCheck = async (self) => {
      self.emit('update-available', {
        version: '0.3.0',
        releaseNotes: [
          { version: '0.3.0', note: 'Menus.' },
          { version: '0.2.0', note: null },
        ],
      });
    };
    await updater.checkNow();
    expect(seen).toContainEqual({ state: 'available', version: '0.3.0', notes: '0.3.0: Menus.\n0.2.0: ' });
  });

  it('logs update_available and update_downloaded as system entries', async () => {
    const { autoUpdater, updater, logged } = world();
    autoUpdater.onCheck = async (self) => self.releaseFound('0.2.0');
    await updater.checkNow();
    expect(logged.map((entry) => [entry.role, entry.eventType])).toEqual([
      ['system', 'update_available'],
      ['system', 'update_downloaded'],
    ]);
    expect(logged[0]?.details).toEqual({ version: '0.2.0', current_version: '0.1.0' });
  });

  it('logs one update_error entry and shows the message when the check fails', async () => {
    const { autoUpdater, updater, logged } = world();
    autoUpdater.onCheck = async (self) => {
      const error = new Error('net::ERR_INTERNET_DISCONNECTED');
      self.emit('error', error);
      throw error;
    };
    expect(await updater.checkNow()).toEqual({ state: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' });
    expect(logged).toEqual([
      {
        role: 'error',
        content: 'Update failed: net::ERR_INTERNET_DISCONNECTED',
        eventType: 'update_error',
        details: { current_version: '0.1.0' },
      },
    ]);
  });

  it('logs update_error when the check rejects without an error event', async () => {
    const { autoUpdater, updater, logged } = world();
    autoUpdater.onCheck = async () => {
      throw new Error('app-update.yml missing');
    };
    await updater.checkNow();
    expect(logged.map((entry) => entry.eventType)).toEqual(['update_error']);
  });

  it('does not start a second check while one is running', async () => {
    const { autoUpdater, updater } = world();
    let finish: () => void = () => {};
    autoUpdater.onCheck = () => new Promise((resolve) => (finish = () => resolve(null)));
    const first = updater.checkNow();
    await updater.checkNow();
    finish();
    await first;
    expect(autoUpdater.checks).toBe(1);
  });

  it('refuses "Restart to update" while a chat streams, and allows it after', async () => {
    const { autoUpdater, updater, setStreaming } = world({ streaming: true });
    autoUpdater.onCheck = async (self) => self.releaseFound('0.2.0');
    await updater.checkNow();

    // A refusal is an answer the UI shows, not an error (there is one error type, AppError).
    expect(updater.install()).toEqual({
      installing: false,
      reason: 'chat_streaming',
      message: 'A chat is still streaming: stop it or wait for it to finish, then restart to update.',
    });
    expect(autoUpdater.installs).toEqual([]);

    setStreaming(false);
    expect(updater.install()).toEqual({ installing: true });
    expect(autoUpdater.installs).toEqual([[false, true]]);
  });

  it('refuses to install before an update is downloaded', () => {
    const { autoUpdater, updater } = world();
    expect(updater.install()).toMatchObject({ installing: false, reason: 'not_ready' });
    expect(autoUpdater.installs).toEqual([]);
  });

  it('streams the current status and then each change until the signal aborts', async () => {
    const { autoUpdater, updater } = world();
    const controller = new AbortController();
    const received: UpdateStatus[] = [];
    const reading = (async () => {
      for await (const status of updater.changes(controller.signal)) {
        received.push(status);
        if (status.state === 'ready') controller.abort();
      }
    })();
    autoUpdater.releaseFound('0.2.0');
    await reading;
    expect(received.map((status) => status.state)).toEqual([
      'idle',
      'checking',
      'available',
      'downloading',
      'ready',
    ]);
  });

  it('ends the status stream when the subscriber goes away, with nothing left listening', async () => {
    const { updater } = world();
    const controller = new AbortController();
    const iterator = updater.changes(controller.signal)[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: { state: 'idle' } });
    const pending = iterator.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});

describe('hasUpdateConfig', () => {
  it('is true only when electron-builder wrote app-update.yml into Resources', () => {
    const resources = mkdtempSync(join(tmpdir(), 'lightchat-resources-'));
    expect(hasUpdateConfig(resources)).toBe(false);
    writeFileSync(join(resources, 'app-update.yml'), 'provider: github\n');
    expect(hasUpdateConfig(resources)).toBe(true);
  });
});
