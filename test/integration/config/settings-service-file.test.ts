import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { YamlSettingsStore } from '../../../src/adapters/config/yaml-settings-store.js';
import { AppError } from '../../../src/domain/errors.js';
import { SettingsService } from '../../../src/domain/services/settings-service.js';
import { DEFAULT_SETTINGS } from '../../../src/domain/settings.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { MemoryChatLog } from '../../unit/support/fakes.js';
import { storeAt, tempSettingsFile } from './temp-settings.js';

const GOOD = `# mine
default_provider: local
providers:
  - id: local
    type: ollama
  - id: cloud            # paid
    type: openai
    api_key: sk-secret-1
    proxy: http://user:pw@proxy.example:3128
`;

async function serviceOn(
  text: string,
): Promise<{ service: SettingsService; log: MemoryChatLog; path: string }> {
  const { path } = await tempSettingsFile(text);
  const store = storeAt(path);
  const log = new MemoryChatLog();
  const service = new SettingsService({ store, log, env: {} });
  await service.start();
  await (store as YamlSettingsStore).watching();
  return { service, log, path };
}

const providerIds = (service: SettingsService) => service.current().providers.map((provider) => provider.id);

describe('SettingsService on a real settings.yaml', () => {
  it('a hand edit applies live; an invalid one keeps the last good settings and logs the line', async () => {
    const { service, log, path } = await serviceOn(GOOD);
    const changes: unknown[] = [];
    service.onChange((change) => changes.push(change));

    await writeFile(path, GOOD.replace('default_provider: local', 'default_provider: cloud'));
    await waitFor(() => service.current().defaultProvider === 'cloud', 'hand edit applied');

    await writeFile(path, `${GOOD}log_levl: debug\n`);
    await waitFor(() => service.loadError() !== null, 'error reported');
    expect(service.loadError()).toMatchObject({
      message: 'unknown key "log_levl"',
      path: ['log_levl'],
      line: 10,
    });
    expect(service.current().defaultProvider).toBe('cloud');
    expect(log.entries.at(-1)).toMatchObject({ role: 'error', eventType: 'config_error' });
    expect(log.entries.at(-1)?.content).toContain('(line 10)');

    await writeFile(
      path,
      GOOD.replace('providers:\n  - id: local', 'providers:\n  - id: local\n    type: [ollama'),
    );
    await waitFor(() => service.loadError()?.message.startsWith('YAML syntax error') === true, 'syntax');
    expect(providerIds(service)).toEqual(['local', 'cloud']);
    // A quiet window for a change that must not come (no event to wait for): load can only
    // make it see less, never fail a good run.
    await sleep(200);
    expect(changes).toHaveLength(3);
  });

  it('starts on the built-in defaults when the file is invalid, and never writes over it', async () => {
    const broken = 'providers:\n  - id: local\n    type: llama\n';
    const { service, path } = await serviceOn(broken);
    expect(service.current()).toEqual(DEFAULT_SETTINGS);
    expect(service.loadError()).toMatchObject({ path: ['providers', 0, 'type'], line: 3 });
    // A quiet window for a change that must not come (no event to wait for): load can only
    // make it see less, never fail a good run.
    await sleep(200);
    expect(await readFile(path, 'utf8')).toBe(broken);
  });

  it('a PUT while the file is invalid is CONFIG_FILE_INVALID; with overwrite it replaces it and keeps a .bak', async () => {
    const broken = 'providers: [\n';
    const { service, path } = await serviceOn(broken);
    const error = await service.update({ ...service.view() }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFIG_FILE_INVALID');
    expect(await readFile(path, 'utf8')).toBe(broken);
    await service.update({ ...service.view() }, { overwrite: true });
    expect(service.loadError()).toBeNull();
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(broken);
  });

  it('a stale revision is refused with CONFIG_CONFLICT', async () => {
    const { service, path } = await serviceOn(GOOD);
    const view = service.view();
    await writeFile(path, GOOD.replace('# mine', '# mine, edited'));
    const error = await service.update({ ...view, logMaxFiles: 2 }).catch((reason: unknown) => reason);
    expect((error as AppError).code).toBe('CONFIG_CONFLICT');
    expect(await readFile(path, 'utf8')).toBe(GOOD.replace('# mine', '# mine, edited'));
  });

  it('secrets round trip: sent without api_key/proxy they are kept, renamed with previous_id kept, "" clears', async () => {
    const { service, path } = await serviceOn(GOOD);
    const changes: unknown[] = [];
    service.onChange((change) => changes.push(change));
    const view = service.view();
    expect(view.providers[1]).toMatchObject({ apiKeySet: true, apiKeySource: 'file', proxySet: true });
    expect(JSON.stringify(view)).not.toContain('sk-secret-1');

    await service.update({ ...view, logMaxFiles: 3 });
    let text = await readFile(path, 'utf8');
    expect(text).toContain('api_key: sk-secret-1');
    expect(text).toContain('proxy: http://user:pw@proxy.example:3128');
    expect(text).toContain('log_max_files: 3');

    const renamed = service.view();
    await service.update({
      ...renamed,
      defaultProvider: 'cloud2',
      providers: renamed.providers.map((provider) =>
        provider.id === 'cloud' ? { ...provider, id: 'cloud2', previousId: 'cloud' } : provider,
      ),
    });
    text = await readFile(path, 'utf8');
    expect(text).toContain('  - id: cloud2           # paid');
    expect(text).toContain('api_key: sk-secret-1');
    expect(service.current().providers[1]?.apiKey).toBe('sk-secret-1');

    const cleared = service.view();
    await service.update({
      ...cleared,
      providers: cleared.providers.map((provider) =>
        provider.id === 'cloud2' ? { ...provider, apiKey: '', proxy: '' } : provider,
      ),
    });
    text = await readFile(path, 'utf8');
    expect(text).not.toContain('sk-secret-1');
    expect(text).not.toContain('proxy:');
    expect(service.view().providers[1]).toMatchObject({ apiKeySet: false, proxySet: false });

    // Each save applied once (from the save itself); the watcher did not apply it a second time.
    // A quiet window for a change that must not come (no event to wait for): load can only
    // make it see less, never fail a good run.
    await sleep(250);
    expect(changes).toHaveLength(3);
  });
});
