import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS_FILE } from '../../../src/adapters/config/default-settings-file.js';
import { contentRevision } from '../../../src/adapters/config/parse-settings-file.js';
import type { SettingsSnapshot } from '../../../src/domain/ports/settings-store.port.js';
import { storeAt, tempSettingsFile } from './temp-settings.js';

const errorOf = (snapshot: SettingsSnapshot) => {
  if (snapshot.ok) throw new Error('expected an invalid file');
  return snapshot.error;
};

const VALID = `default_provider: local
providers:
  - id: local
    type: ollama
`;

describe('YamlSettingsStore.load', () => {
  it('creates the commented default file of CONTRACT section 2, mode 0600, in missing folders', async () => {
    const { dir } = await tempSettingsFile();
    const path = join(dir, 'deep', 'er', 'settings.yaml');
    const snapshot = await storeAt(path).load();

    expect(await readFile(path, 'utf8')).toBe(DEFAULT_SETTINGS_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(snapshot).toMatchObject({ ok: true, revision: contentRevision(DEFAULT_SETTINGS_FILE) });
    if (!snapshot.ok) return;
    expect(snapshot.settings.defaultProvider).toBe('ollama_local');
    expect(snapshot.settings.providers.map((provider) => provider.id)).toEqual(['ollama_local', 'openai']);
    expect(snapshot.settings.providers[1]).toMatchObject({ apiKeyEnv: 'OPENAI_API_KEY', type: 'openai' });
    expect(snapshot.settings.api).toEqual({ enabled: true, port: 8000, auth: true });
  });

  it('the default file holds the comments users read', () => {
    expect(DEFAULT_SETTINGS_FILE).toContain('# proxy: http://user:pass@proxy:3128');
    expect(DEFAULT_SETTINGS_FILE).toContain('logging_enabled: true        # false: write no log files');
    expect(
      DEFAULT_SETTINGS_FILE.endsWith(
        '# idle_timeout_s: 60                   # optional: longest silence between chunks\n',
      ),
    ).toBe(true);
  });

  it('reads an existing file without touching it; the revision is the hash of its content', async () => {
    const { path } = await tempSettingsFile(VALID);
    const snapshot = await storeAt(path).load();
    expect(snapshot).toMatchObject({ ok: true, revision: contentRevision(VALID) });
    expect(snapshot.revision).toMatch(/^[0-9a-f]{16}$/);
    expect(await readFile(path, 'utf8')).toBe(VALID);
  });

  it('a YAML syntax error names its line and column', async () => {
    const { path } = await tempSettingsFile(
      'default_provider: local\nproviders:\n  - id: local\n    type: [ollama\n',
    );
    const error = errorOf(await storeAt(path).load());
    expect(error.message).toMatch(/^YAML syntax error: /);
    expect(error.line).toBeGreaterThanOrEqual(4);
    expect(error.column).toBeGreaterThanOrEqual(1);
  });

  it('duplicate keys are a syntax error on their line', async () => {
    const { path } = await tempSettingsFile('log_max_files: 3\nlog_max_files: 4\n');
    const error = errorOf(await storeAt(path).load());
    expect(error.line).toBe(2);
  });

  it('a schema error names the snake_case path and the line of the value', async () => {
    const text = `default_provider: local
providers:
  - id: local
    type: llama
`;
    const { path } = await tempSettingsFile(text);
    const error = errorOf(await storeAt(path).load());
    expect(error).toEqual({
      message: 'providers[0].type: type must be "ollama", "openai", "anthropic" or "gemini"',
      path: ['providers', 0, 'type'],
      line: 4,
    });
  });

  it('an unknown key is an error that names it, at its line', async () => {
    const { path } = await tempSettingsFile(`${VALID}log_levl: debug\n`);
    expect(errorOf(await storeAt(path).load())).toEqual({
      message: 'unknown key "log_levl"',
      path: ['log_levl'],
      line: 5,
    });
  });

  it('an unknown key inside a provider names the provider and the key', async () => {
    const { path } = await tempSettingsFile(`${VALID}    api_keyy: sk-1\n`);
    expect(errorOf(await storeAt(path).load())).toEqual({
      message: 'providers[0]: unknown key "api_keyy"',
      path: ['providers', 0, 'api_keyy'],
      line: 5,
    });
  });

  it('a camelCase key is not silently mapped: it is unknown, with the snake_case spelling as a hint', async () => {
    const { path } = await tempSettingsFile(`${VALID}logMaxFiles: 3\n`);
    expect(errorOf(await storeAt(path).load())).toEqual({
      message: 'unknown key "logMaxFiles" (did you mean "log_max_files"?)',
      path: ['logMaxFiles'],
      line: 5,
    });
  });

  it('a missing required key is named, at the line of its provider', async () => {
    const { path } = await tempSettingsFile('providers:\n  - id: local\n    host: http://127.0.0.1:11434\n');
    expect(errorOf(await storeAt(path).load())).toEqual({
      message: 'providers[0]: "type" is missing',
      path: ['providers', 0, 'type'],
      line: 2,
    });
  });

  it('cross-field rules report their path too (default_provider must name a provider)', async () => {
    const { path } = await tempSettingsFile(
      'providers:\n  - id: local\n    type: ollama\ndefault_provider: nope\n',
    );
    const error = errorOf(await storeAt(path).load());
    expect(error.path).toEqual(['default_provider']);
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/^default_provider: default_provider "nope" is not the id of any provider/);
  });

  it('more than one problem: the first is named and the rest counted', async () => {
    const { path } = await tempSettingsFile('log_max_files: 0\napi:\n  port: 99999\n');
    const error = errorOf(await storeAt(path).load());
    expect(error.path).toEqual(['log_max_files']);
    expect(error.message).toMatch(/^log_max_files: .*\(and 1 more problem\)$/);
  });

  it('an empty file (or only comments) is invalid, not "no providers": an editor may be mid-save', async () => {
    for (const text of ['', '# just a comment\n']) {
      const { path } = await tempSettingsFile(text);
      const error = errorOf(await storeAt(path).load());
      expect(error.message).toMatch(/has no settings/);
      expect(await readFile(path, 'utf8')).toBe(text);
    }
  });

  it('a file that is not a map of settings is invalid', async () => {
    const { path } = await tempSettingsFile('- just\n- a list\n');
    expect(errorOf(await storeAt(path).load()).message).toMatch(/must hold settings as "key: value" lines/);
  });

  it('an invalid file is never replaced by load', async () => {
    const broken = 'providers: [\n';
    const { path } = await tempSettingsFile(broken);
    await storeAt(path).load();
    expect(await readFile(path, 'utf8')).toBe(broken);
  });
});
