import { open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS_FILE } from '../../../src/adapters/config/default-settings-file.js';
import type { SaveStep, YamlSettingsStore } from '../../../src/adapters/config/yaml-settings-store.js';
import { AppError } from '../../../src/domain/errors.js';
import { storeAt, storeWithSaveSteps, tempSettingsFile } from './temp-settings.js';

const EDITED = DEFAULT_SETTINGS_FILE.replace('port: 8000', 'port: 8111');

async function saveOnce(store: YamlSettingsStore): Promise<unknown> {
  const snapshot = await store.load();
  if (!snapshot.ok) throw new Error(`fixture invalid: ${snapshot.error.message}`);
  return store.save({ ...snapshot.settings, logMaxFiles: 2 }, { expectedRevision: snapshot.revision }).then(
    () => 'saved',
    (error: unknown) => (error instanceof AppError ? error.code : error),
  );
}

/** An editor's save at `step` of LightChat's save, done by `edit`. */
async function raceAt(step: SaveStep, edit: (path: string) => Promise<void>) {
  const { dir, path } = await tempSettingsFile(DEFAULT_SETTINGS_FILE);
  let edited = false;
  const store = storeWithSaveSteps(path, async (at) => {
    if (at !== step || edited) return;
    edited = true;
    await edit(path);
  });
  const outcome = await saveOnce(store);
  return { outcome, edited, text: await readFile(path, 'utf8'), files: await readdir(dir) };
}

const renameSave = async (path: string) => {
  await writeFile(`${path}.editor-tmp`, EDITED);
  await rename(`${path}.editor-tmp`, path);
};

describe('PUT /config is a compare-and-swap against editors (YamlSettingsStore.save)', () => {
  it('an editor save by rename between the re-read and the swap is kept; the save gets CONFIG_CONFLICT', async () => {
    const race = await raceAt('checked', renameSave);
    expect(race.edited).toBe(true);
    expect(race.outcome).toBe('CONFIG_CONFLICT');
    expect(race.text).toBe(EDITED);
    expect(race.files).toEqual(['settings.yaml']);
  });

  it('an editor save in place in that window is kept', async () => {
    const race = await raceAt('checked', (path) => writeFile(path, EDITED));
    expect(race.outcome).toBe('CONFIG_CONFLICT');
    expect(race.text).toBe(EDITED);
    expect(race.files).toEqual(['settings.yaml']);
  });

  it('an editor save landing while the file is taken for the swap is kept', async () => {
    const race = await raceAt('taken', renameSave);
    expect(race.edited).toBe(true);
    expect(race.outcome).toBe('CONFIG_CONFLICT');
    expect(race.text).toBe(EDITED);
    expect(race.files).toEqual(['settings.yaml']);
  });

  it('a delete and recreate in that window is kept', async () => {
    const race = await raceAt('checked', async (path) => {
      await unlink(path);
      await writeFile(path, EDITED);
    });
    expect(race.outcome).toBe('CONFIG_CONFLICT');
    expect(race.text).toBe(EDITED);
  });

  it('a write through a handle the editor held open, landing after the swap, is put back', async () => {
    const { dir, path } = await tempSettingsFile(DEFAULT_SETTINGS_FILE);
    // Opened before the save: once the old file is swapped out, only this handle still reaches it.
    const handle = await open(path, 'r+');
    try {
      const store = storeWithSaveSteps(path, async (step) => {
        if (step === 'placed') await handle.write(EDITED, 0);
      });
      expect(await saveOnce(store)).toBe('CONFIG_CONFLICT');
    } finally {
      await handle.close();
    }
    expect(await readFile(path, 'utf8')).toBe(EDITED);
    expect(await readdir(dir)).toEqual(['settings.yaml']);
  });

  it('a save with no editor about swaps the file and leaves no temporary file behind', async () => {
    const race = await raceAt('checked', async () => {});
    expect(race.outcome).toBe('saved');
    expect(race.text).toContain('log_max_files: 2');
    expect(race.files).toEqual(['settings.yaml']);
  });

  it('a save cut off after taking the file away is put back at the next load, not replaced by defaults', async () => {
    const { dir, path } = await tempSettingsFile();
    await writeFile(`${path}.4242.0a1b2c3d.taken`, EDITED);
    const snapshot = await storeAt(path).load();
    expect(snapshot.ok && snapshot.settings.api.port).toBe(8111);
    expect(await readFile(path, 'utf8')).toBe(EDITED);
    expect((await readdir(dir)).map((name) => basename(name))).toEqual(['settings.yaml']);
  });
});
