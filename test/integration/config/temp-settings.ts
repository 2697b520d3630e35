import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { YamlSettingsStore } from '../../../src/adapters/config/yaml-settings-store.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh folder per test; `text` (when given) is written as settings.yaml. Removed after the test. */
export async function tempSettingsFile(text?: string): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'lightchat-settings-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'settings.yaml');
  if (text !== undefined) await writeFile(path, text);
  return { dir, path };
}

/** A store closed after the test. */
export function storeAt(path: string, debounceMs?: number): YamlSettingsStore {
  const store = new YamlSettingsStore({ path, debounceMs });
  cleanups.push(() => store.close());
  return store;
}

/** A store whose saves call `onSaveStep` at each step of their swap (to land an editor's save there). */
export function storeWithSaveSteps(
  path: string,
  onSaveStep: NonNullable<ConstructorParameters<typeof YamlSettingsStore>[0]['onSaveStep']>,
): YamlSettingsStore {
  const store = new YamlSettingsStore({ path, onSaveStep });
  cleanups.push(() => store.close());
  return store;
}
