import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLightChat } from '../../../src/app/create-lightchat.js';
import { tempDataDir } from './support.js';

const lockFiles = (dataDir: string): string[] =>
  existsSync(join(dataDir, 'locks'))
    ? readdirSync(join(dataDir, 'locks')).filter((name) => name.endsWith('.lock'))
    : [];

/** The core opens its history store first, so the worker's start overlaps the settings load. */
describe('the history store at start-up', () => {
  it('is open when the core is, and closed (its lock file gone) when the core closes', async () => {
    const dir = tempDataDir();
    const core = await createLightChat({
      settingsPath: join(dir, 'settings.yaml'),
      logDir: join(dir, 'logs'),
      dataDir: join(dir, 'data'),
      env: {},
    });
    expect(core.conversations.status()).toMatchObject({ available: true });
    expect(lockFiles(join(dir, 'data'))).toHaveLength(1);
    await core.close();
    expect(lockFiles(join(dir, 'data'))).toEqual([]);
  });

  it('a start-up that fails once the worker has started (settings in a path through a file) rejects with the path and leaves no lock', async () => {
    const dir = tempDataDir();
    const dataDir = join(dir, 'data');
    writeFileSync(join(dir, 'a-file'), 'not a folder\n');
    const settingsPath = join(dir, 'a-file', 'settings.yaml');
    const starting = createLightChat({ settingsPath, logDir: join(dir, 'logs'), dataDir, env: {} });
    await expect(starting).rejects.toThrow(settingsPath);
    // The store had opened its file (the worker ran), and closed it again.
    expect(existsSync(join(dataDir, 'lightchat.db'))).toBe(true);
    expect(lockFiles(dataDir)).toEqual([]);
    // Nothing holds the file: a core on a usable settings path opens it at once.
    const core = await createLightChat({
      settingsPath: join(dir, 'settings.yaml'),
      logDir: join(dir, 'logs'),
      dataDir,
      env: {},
    });
    expect(core.conversations.status()).toMatchObject({ available: true });
    await core.close();
  });
});
