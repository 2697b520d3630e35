import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DesktopWorld, startDesktopWorld } from './desktop-world.js';
import { resetFakeElectron, shell } from './fake-electron.js';

let world: DesktopWorld | null = null;
let savedUmask: number | null = null;

afterEach(async () => {
  await world?.stop();
  world = null;
  resetFakeElectron();
  if (savedUmask !== null) process.umask(savedUmask);
  savedUmask = null;
});

describe('the logs folder in the desktop app', () => {
  it('is created 0700 by "Open Logs Folder" when nothing was logged yet (umask 022)', async () => {
    savedUmask = process.umask(0o022);
    world = await startDesktopWorld({ logging: false }); // the log writes nothing: the menu creates the folder
    await world.client().desktop.openLogsFolder.mutate();
    const dir = join(world.dir, 'logs');
    expect(shell.revealed).toEqual([dir]);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });
});
