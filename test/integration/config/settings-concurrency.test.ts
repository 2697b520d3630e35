import { readFile, rename, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS_FILE } from '../../../src/adapters/config/default-settings-file.js';
import { contentRevision, parseSettingsFile } from '../../../src/adapters/config/parse-settings-file.js';
import { AppError } from '../../../src/domain/errors.js';
import { storeAt, tempSettingsFile } from './temp-settings.js';

/** Save attempts by the app while the editor and the readers go on: a count, not a time window. */
const SAVES = 25;

describe('YamlSettingsStore under concurrent hand edits', () => {
  it('saves racing an editor never leave a half-written or invalid file; losers get CONFIG_CONFLICT', async () => {
    const { path } = await tempSettingsFile();
    const store = storeAt(path);
    const loaded = await store.load();
    if (!loaded.ok) throw new Error('fixture');
    let racing = true;
    const outcome = { saved: 0, conflicts: 0, handEdits: 0, reads: 0, badReads: [] as string[] };

    // The editor saves like vim or VS Code's safe write: the whole file to a temp name, then rename.
    const editor = async () => {
      for (let n = 0; racing; n++) {
        const temp = `${path}.editor-tmp`;
        await writeFile(temp, DEFAULT_SETTINGS_FILE.replace('port: 8000', `port: ${9000 + (n % 500)}`));
        await rename(temp, path);
        outcome.handEdits++;
        await new Promise((done) => setImmediate(done));
      }
    };
    const app = async () => {
      for (let n = 0; n < SAVES; n++) {
        const revision = contentRevision(await readFile(path, 'utf8'));
        try {
          await store.save({ ...loaded.settings, logMaxFiles: 1 + (n % 50) }, { expectedRevision: revision });
          outcome.saved++;
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'CONFIG_CONFLICT') throw error;
          outcome.conflicts++;
        }
      }
      racing = false;
    };
    const reader = async () => {
      while (racing) {
        // A save takes the file away for two system calls (swap-file.ts): like an editor's delete+recreate.
        const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return DEFAULT_SETTINGS_FILE;
          throw error;
        });
        outcome.reads++;
        if (!parseSettingsFile(text).result.ok) outcome.badReads.push(text);
      }
    };
    await Promise.all([editor(), app(), reader(), reader()]);

    expect(outcome.badReads).toEqual([]);
    expect(outcome.reads).toBeGreaterThan(0);
    expect(outcome.handEdits).toBeGreaterThan(0);
    expect(outcome.saved + outcome.conflicts).toBe(SAVES);
    expect(parseSettingsFile(await readFile(path, 'utf8')).result.ok).toBe(true);
    // With the editor gone, a save on the current revision goes through (during the race it may never).
    const last = await readFile(path, 'utf8');
    await store.save({ ...loaded.settings, logMaxFiles: 77 }, { expectedRevision: contentRevision(last) });
    expect(await readFile(path, 'utf8')).toContain('log_max_files: 77');
  });

  it('two saves from the app at once: the second one, on the old revision, is a conflict', async () => {
    const { path } = await tempSettingsFile();
    const store = storeAt(path);
    const loaded = await store.load();
    if (!loaded.ok) throw new Error('fixture');
    const results = await Promise.allSettled([
      store.save({ ...loaded.settings, logMaxFiles: 2 }, { expectedRevision: loaded.revision }),
      store.save({ ...loaded.settings, logMaxFiles: 3 }, { expectedRevision: loaded.revision }),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'CONFIG_CONFLICT' } });
    expect(await readFile(path, 'utf8')).toContain('log_max_files: 2');
  });
});
