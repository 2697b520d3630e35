import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS_FILE } from '../../../src/adapters/config/default-settings-file.js';
import { contentRevision, parseSettingsFile } from '../../../src/adapters/config/parse-settings-file.js';
import type { YamlSettingsStore } from '../../../src/adapters/config/yaml-settings-store.js';
import { AppError } from '../../../src/domain/errors.js';
import type { SettingsSnapshot } from '../../../src/domain/ports/settings-store.port.js';
import type { Settings } from '../../../src/domain/settings.js';
import { storeAt, tempSettingsFile } from './temp-settings.js';

const LONG_PROMPT =
  'You are a terse assistant. Answer in at most three sentences, and never use emoji in any of your answers.';

/** Comments everywhere, odd key order, every quoting style, flow style, a long value. */
const HAND_STYLED = `# My LightChat config: hand written, keep my notes!

providers:   # the providers I use
  # local first
  - type: "ollama"          # double quoted
    id: 'local'             # single quoted
    host: "http://127.0.0.1:11434"
    system_prompt: "${LONG_PROMPT}"
  # the work account
  - id: work                # renamed once
    type: openai
    api_key: "sk-test-123"
    default_model: gpt-4o-mini

default_provider: "local"   # start here
api: {port: 8123}           # flow style
# end of file
`;

async function loaded(store: YamlSettingsStore): Promise<{ settings: Settings; revision: string }> {
  const snapshot = await store.load();
  if (!snapshot.ok) throw new Error(`fixture invalid: ${snapshot.error.message}`);
  return snapshot;
}

const settingsOf = (snapshot: SettingsSnapshot): Settings => {
  if (!snapshot.ok) throw new Error(snapshot.error.message);
  return snapshot.settings;
};

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('YamlSettingsStore.save', () => {
  it('the default file round-trips byte for byte (unchanged settings leave the file as it is)', async () => {
    const { path } = await tempSettingsFile();
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    const saved = await store.save(settings, { expectedRevision: revision });
    expect(await readFile(path, 'utf8')).toBe(DEFAULT_SETTINGS_FILE);
    expect(saved.revision).toBe(revision);
  });

  it('a change and its undo give back the default file byte for byte (aligned comments kept)', async () => {
    const { path } = await tempSettingsFile();
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    const changed = await store.save({ ...settings, logMaxFiles: 6 }, { expectedRevision: revision });
    const text = await readFile(path, 'utf8');
    expect(text).toBe(DEFAULT_SETTINGS_FILE.replace('log_max_files: 5', 'log_max_files: 6'));
    expect(changed).toMatchObject({ ok: true, revision: contentRevision(text) });
    await store.save(settings, { expectedRevision: changed.revision });
    expect(await readFile(path, 'utf8')).toBe(DEFAULT_SETTINGS_FILE);
  });

  it('keeps every comment, the key order, quoting and a long value on one line of a hand-styled file', async () => {
    const { path } = await tempSettingsFile(HAND_STYLED);
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    const [local, work] = settings.providers;
    if (!local || !work) throw new Error('fixture');
    const next: Settings = {
      ...settings,
      logMaxFiles: 7,
      api: { ...settings.api, port: 8124 },
      providers: [
        { ...local, defaultModel: 'llama3.2' },
        { ...work, systemPrompt: `${LONG_PROMPT} Also: be kind.` },
      ],
    };
    const saved = await store.save(next, { expectedRevision: revision });
    const text = await readFile(path, 'utf8');

    expect(settingsOf(saved)).toEqual(next);
    expect(parseSettingsFile(text).result).toEqual({ ok: true, settings: next });
    for (const comment of HAND_STYLED.match(/#.*$/gm) ?? []) expect(text).toContain(comment);
    const order = ['providers:', "id: 'local'", 'id: work', 'default_provider:', 'api:', '# end of file'];
    const positions = order.map((marker) => text.indexOf(marker));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain('type: "ollama"          # double quoted');
    expect(text).toContain('default_provider: "local"   # start here');
    expect(text).toContain(`system_prompt: "${LONG_PROMPT}"\n`);
    expect(text).toContain(`system_prompt: "${LONG_PROMPT} Also: be kind."\n`);
    expect(text).toMatch(/api: \{ port: 8124 \}/);
    expect(text).toMatch(/log_max_files: 7\n\n# end of file\n$/);
    expect(text).toContain('providers:   # the providers I use\n  # local first\n');
    // Defaults the user never wrote stay out of the file.
    expect(text).not.toMatch(/logging_enabled|log_dir|log_max_file_size_mb|enabled:/);
    expect(text).not.toMatch(/name:/);
  });

  it('removes what is gone: an optional key dropped, a provider removed; adds a new provider', async () => {
    const { path } = await tempSettingsFile(HAND_STYLED);
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    const [local, work] = settings.providers;
    if (!local || !work) throw new Error('fixture');
    const { apiKey: _dropped, ...workWithoutKey } = work;
    const next: Settings = {
      ...settings,
      providers: [
        workWithoutKey,
        {
          id: 'lan',
          type: 'ollama',
          host: 'http://10.0.0.2:11434',
          name: 'LAN box',
          defaultModel: null,
          systemPrompt: null,
        },
      ],
      defaultProvider: 'work',
    };
    const saved = await store.save(next, { expectedRevision: revision });
    const text = await readFile(path, 'utf8');
    expect(settingsOf(saved)).toEqual(next);
    expect(text).not.toContain('sk-test-123');
    expect(text).not.toContain("id: 'local'");
    expect(text).toContain('  - id: work                # renamed once');
    expect(text).toContain(
      '  - id: lan\n    type: ollama\n    host: http://10.0.0.2:11434\n    name: LAN box\n',
    );
  });

  it('a renamed provider keeps its node and comments', async () => {
    const { path } = await tempSettingsFile(HAND_STYLED);
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    const [local, work] = settings.providers;
    if (!local || !work) throw new Error('fixture');
    await store.save(
      { ...settings, providers: [local, { ...work, id: 'office' }] },
      { expectedRevision: revision },
    );
    const text = await readFile(path, 'utf8');
    expect(text).toContain('  - id: office              # renamed once');
    expect(text).toContain('api_key: "sk-test-123"');
  });

  it('changing a value to another type replaces the node but keeps its comment, at its column', async () => {
    const { path } = await tempSettingsFile('log_dir: null                # null: the OS log directory\n');
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    await store.save({ ...settings, logDir: '/var/log/lc' }, { expectedRevision: revision });
    expect(await readFile(path, 'utf8')).toBe('log_dir: /var/log/lc         # null: the OS log directory\n');
  });

  it("keeps the file's own indentation and line endings", async () => {
    const fourSpaces =
      'providers:\r\n    - id: local    # mine\r\n      type: ollama\r\napi:\r\n    port: 8001\r\n';
    const { path } = await tempSettingsFile(fourSpaces);
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    await store.save(
      { ...settings, api: { ...settings.api, enabled: false, port: 8001 } },
      { expectedRevision: revision },
    );
    expect(await readFile(path, 'utf8')).toBe(
      'providers:\r\n    - id: local    # mine\r\n      type: ollama\r\napi:\r\n    port: 8001\r\n    enabled: false\r\n',
    );
  });

  it('keeps a sequence that is not indented under its key', async () => {
    const flat = 'providers:\n- id: local    # mine\n  type: ollama\n';
    const { path } = await tempSettingsFile(flat);
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    await store.save({ ...settings, logMaxFiles: 2 }, { expectedRevision: revision });
    expect(await readFile(path, 'utf8')).toBe(`${flat}log_max_files: 2\n`);
  });

  it('writes mode 0600 even over a file that was more open', async () => {
    const { path } = await tempSettingsFile(HAND_STYLED);
    await import('node:fs/promises').then((fs) => fs.chmod(path, 0o644));
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    await store.save({ ...settings, logMaxFiles: 9 }, { expectedRevision: revision });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('settings that fail validation leave the file byte-identical', async () => {
    const { path } = await tempSettingsFile(HAND_STYLED);
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    const error = await rejection(
      store.save(
        { ...settings, api: { ...settings.api, enabled: true, port: 70_000 } },
        { expectedRevision: revision },
      ),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/api\.port/);
    const duplicate = await rejection(
      store.save(
        { ...settings, providers: [...settings.providers, ...settings.providers] },
        { expectedRevision: revision },
      ),
    );
    expect(duplicate.code).toBe('CONFIG_INVALID');
    expect(await readFile(path, 'utf8')).toBe(HAND_STYLED);
  });

  it('a stale revision is a CONFIG_CONFLICT and changes nothing', async () => {
    const { path } = await tempSettingsFile(HAND_STYLED);
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    const handEdited = HAND_STYLED.replace('8123', '8200');
    await writeFile(path, handEdited);
    const error = await rejection(
      store.save({ ...settings, logMaxFiles: 2 }, { expectedRevision: revision }),
    );
    expect(error.code).toBe('CONFIG_CONFLICT');
    expect(error.message).toBe(
      'settings.yaml was changed on disk since you loaded it. Reload and apply your change again.',
    );
    expect(await readFile(path, 'utf8')).toBe(handEdited);
  });

  it('an invalid file on disk is CONFIG_FILE_INVALID; with overwrite it is kept as settings.yaml.bak', async () => {
    const invalid = HAND_STYLED.replace('type: openai', 'type: openia');
    const { path } = await tempSettingsFile(invalid);
    const store = storeAt(path);
    const snapshot = await store.load();
    expect(snapshot.ok).toBe(false);
    const error = await rejection(store.save(parseFixture(), { expectedRevision: snapshot.revision }));
    expect(error.code).toBe('CONFIG_FILE_INVALID');
    expect(error.message).toMatch(/line 11: providers\[1\]\.type/);
    expect(await readFile(path, 'utf8')).toBe(invalid);
    await expect(stat(`${path}.bak`)).rejects.toThrow();

    const saved = await store.save(parseFixture(), { expectedRevision: snapshot.revision, overwrite: true });
    expect(settingsOf(saved)).toEqual(parseFixture());
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(invalid);
    expect((await stat(`${path}.bak`)).mode & 0o777).toBe(0o600);
    // The file's own comments survive an overwrite when it is still YAML.
    expect(await readFile(path, 'utf8')).toContain('# end of file');
  });

  it('overwrite of a file that is not even YAML writes the settings into the default layout', async () => {
    const { path } = await tempSettingsFile('providers: [\n');
    const store = storeAt(path);
    const snapshot = await store.load();
    const saved = await store.save(parseFixture(), { expectedRevision: snapshot.revision, overwrite: true });
    expect(settingsOf(saved)).toEqual(parseFixture());
    const text = await readFile(path, 'utf8');
    expect(text).toContain('# LightChat settings. Edited by hand or from the app; changes apply live.');
    expect(await readFile(`${path}.bak`, 'utf8')).toBe('providers: [\n');
  });

  it('a deleted file is written again on save (there is nothing to conflict with)', async () => {
    const { path } = await tempSettingsFile();
    const store = storeAt(path);
    const { settings, revision } = await loaded(store);
    await unlink(path);
    await store.save({ ...settings, logMaxFiles: 3 }, { expectedRevision: revision });
    expect(await readFile(path, 'utf8')).toBe(
      DEFAULT_SETTINGS_FILE.replace('log_max_files: 5', 'log_max_files: 3'),
    );
  });
});

function parseFixture(): Settings {
  const file = parseSettingsFile(HAND_STYLED);
  if (!file.result.ok) throw new Error(file.result.error.message);
  return file.result.settings;
}
