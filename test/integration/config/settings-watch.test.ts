import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS_FILE } from '../../../src/adapters/config/default-settings-file.js';
import type { YamlSettingsStore } from '../../../src/adapters/config/yaml-settings-store.js';
import type { SettingsSnapshot } from '../../../src/domain/ports/settings-store.port.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { storeAt, tempSettingsFile } from './temp-settings.js';

/**
 * How long to keep listening for a report that must not come (a second one, or one for a non-change).
 * A report is an event, its absence is not: these windows are the only fixed waits here, and a loaded
 * machine can only make them see less, never fail a test that should pass.
 */
const SETTLE_MS = 300;

const withMaxFiles = (count: number) =>
  DEFAULT_SETTINGS_FILE.replace('log_max_files: 5', `log_max_files: ${count}`);

async function watched(debounceMs?: number): Promise<{
  store: YamlSettingsStore;
  path: string;
  dir: string;
  seen: SettingsSnapshot[];
}> {
  const { path, dir } = await tempSettingsFile();
  const store = storeAt(path, debounceMs);
  await store.load();
  const seen: SettingsSnapshot[] = [];
  store.watch((snapshot) => seen.push(snapshot));
  await store.watching();
  return { store, path, dir, seen };
}

/** Runs `edit` and waits until a change is reported (how soon is for the bench, not for a test). */
async function reported(seen: SettingsSnapshot[], edit: () => Promise<void>): Promise<void> {
  const before = seen.length;
  await edit();
  await waitFor(() => seen.length > before, 'change reported');
}

const maxFilesOf = (snapshot: SettingsSnapshot | undefined) =>
  snapshot?.ok ? snapshot.settings.logMaxFiles : undefined;

describe('YamlSettingsStore.watch', () => {
  it('an in-place write is reported once', async () => {
    const { path, seen } = await watched();
    await reported(seen, () => writeFile(path, withMaxFiles(6)));
    await sleep(SETTLE_MS);
    expect(seen).toHaveLength(1);
    expect(maxFilesOf(seen[0])).toBe(6);
  });

  it('a rename-save (temp file + rename, as vim, VS Code and write-file-atomic do) is reported once', async () => {
    const { path, dir, seen } = await watched();
    const temp = join(dir, 'settings.yaml.tmp~');
    await reported(seen, async () => {
      await writeFile(temp, withMaxFiles(7));
      await rename(temp, path);
    });
    await sleep(SETTLE_MS);
    expect(seen).toHaveLength(1);
    expect(maxFilesOf(seen[0])).toBe(7);
  });

  it('delete and recreate is reported once, with the new content', async () => {
    const { path, seen } = await watched();
    await reported(seen, async () => {
      await unlink(path);
      await sleep(20); // part of the scenario: an editor that deletes, then writes a moment later
      await writeFile(path, withMaxFiles(8));
    });
    await sleep(SETTLE_MS);
    expect(seen).toHaveLength(1);
    expect(maxFilesOf(seen[0])).toBe(8);
  });

  it('a deleted file reports nothing: the last good settings stay in force until it is back', async () => {
    const { path, seen } = await watched();
    await unlink(path);
    await sleep(SETTLE_MS);
    expect(seen).toHaveLength(0);
    await writeFile(path, withMaxFiles(4));
    await waitFor(() => seen.length === 1, 'recreated file reported');
    expect(maxFilesOf(seen[0])).toBe(4);
  });

  it('a burst of writes settles into one report of the final content', async () => {
    // A debounce far above the few ms three writes take, so a loaded machine cannot split the burst.
    const { path, seen } = await watched(1_000);
    for (const count of [11, 12, 13]) await writeFile(path, withMaxFiles(count));
    await waitFor(() => seen.length > 0, 'reported');
    await sleep(SETTLE_MS);
    expect(seen.map(maxFilesOf)).toEqual([13]);
  });

  it('a write of the same content is not a change', async () => {
    const { path, seen } = await watched();
    await writeFile(path, DEFAULT_SETTINGS_FILE);
    await sleep(SETTLE_MS);
    expect(seen).toHaveLength(0);
  });

  it('an invalid edit is reported as an error snapshot naming the line; fixing it reports the settings', async () => {
    const { path, seen } = await watched();
    await writeFile(path, DEFAULT_SETTINGS_FILE.replace('port: 8000', 'port: [8000'));
    await waitFor(() => seen.length === 1, 'error reported');
    expect(seen[0]).toMatchObject({ ok: false, error: { line: expect.any(Number) } });
    await writeFile(path, withMaxFiles(3));
    await waitFor(() => seen.length === 2, 'fix reported');
    expect(maxFilesOf(seen[1])).toBe(3);
  });

  it('our own save is not reported back: no reload loop', async () => {
    const { store, seen } = await watched();
    const loaded = await store.load();
    if (!loaded.ok) throw new Error('fixture');
    let revision = loaded.revision;
    for (const count of [21, 22, 23]) {
      revision = (
        await store.save({ ...loaded.settings, logMaxFiles: count }, { expectedRevision: revision })
      ).revision;
    }
    await sleep(SETTLE_MS);
    expect(seen).toHaveLength(0);
  });

  it('temp, swap and backup files next to settings.yaml are ignored', async () => {
    const { dir, seen } = await watched();
    await writeFile(join(dir, '.settings.yaml.swp'), 'x');
    await writeFile(join(dir, 'settings.yaml~'), 'x');
    await writeFile(join(dir, 'settings.yaml.bak'), 'x');
    await sleep(SETTLE_MS);
    expect(seen).toHaveLength(0);
  });

  it('close() stops the watch', async () => {
    const { store, path, seen } = await watched();
    await store.close();
    await writeFile(path, withMaxFiles(9));
    await sleep(SETTLE_MS);
    expect(seen).toHaveLength(0);
  });
});
