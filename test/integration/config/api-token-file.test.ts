import { chmod, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiToken } from '../../../src/adapters/config/api-token.js';
import {
  apiTokenPath,
  ensureApiToken,
  readApiTokenFile,
  rotateApiToken,
} from '../../../src/adapters/config/api-token-file.js';
import type { NewLogEntry } from '../../../src/domain/log-entry.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { tempSettingsFile } from './temp-settings.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

const started: ApiToken[] = [];
afterEach(async () => {
  for (const token of started.splice(0)) await token.close();
});

async function tokenPath(): Promise<string> {
  const { path } = await tempSettingsFile();
  return apiTokenPath(path);
}

describe('the api-token file', () => {
  it('lives next to the settings file', () => {
    expect(apiTokenPath('/home/u/.config/LightChat/settings.yaml')).toBe(
      '/home/u/.config/LightChat/api-token',
    );
  });

  it('is created on first use: 32 random bytes base64url, mode 0600, in missing folders; then kept', async () => {
    const { dir } = await tempSettingsFile();
    const path = join(dir, 'new', 'folder', 'api-token');
    const first = await ensureApiToken(path);
    expect(first.token).toMatch(TOKEN);
    expect(first.replaced).toBeUndefined();
    expect(await modeOf(path)).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim()).toBe(first.token);
    expect((await ensureApiToken(path)).token).toBe(first.token);
    // No temp file is left behind.
    expect(await readdir(join(dir, 'new', 'folder'))).toEqual(['api-token']);
  });

  it('is created exclusively: processes starting together agree on one token', async () => {
    const path = await tokenPath();
    const tokens = await Promise.all(Array.from({ length: 8 }, () => ensureApiToken(path)));
    expect(new Set(tokens.map((found) => found.token)).size).toBe(1);
    expect((await readFile(path, 'utf8')).trim()).toBe(tokens[0]?.token);
  });

  it('refuses and replaces a file others may read', async () => {
    const path = await tokenPath();
    const old = 'A'.repeat(43);
    await writeFile(path, `${old}\n`, { mode: 0o600 });
    await chmod(path, 0o640);
    expect(await readApiTokenFile(path, { checkOwner: true })).toEqual({
      kind: 'refused',
      reason: 'other users may access it (mode 640)',
    });
    const replaced = await ensureApiToken(path);
    expect(replaced.replaced).toContain('mode 640');
    expect(replaced.token).toMatch(TOKEN);
    expect(replaced.token).not.toBe(old);
    expect(await modeOf(path)).toBe(0o600);
  });

  it('refuses and replaces a file that belongs to another user', async () => {
    const path = await tokenPath();
    await writeFile(path, `${'B'.repeat(43)}\n`, { mode: 0o600 });
    const otherUser = (process.getuid?.() ?? 0) + 1;
    const replaced = await ensureApiToken(path, { uid: otherUser });
    expect(replaced.replaced).toBe('it belongs to another user');
    expect(replaced.token).not.toBe('B'.repeat(43));
  });

  it('refuses a symbolic link (and leaves its target alone) and a file without a usable token', async () => {
    const { dir } = await tempSettingsFile();
    const target = join(dir, 'elsewhere');
    await writeFile(target, `${'C'.repeat(43)}\n`, { mode: 0o600 });
    const path = join(dir, 'api-token');
    await symlink(target, path);
    expect((await ensureApiToken(path)).replaced).toBe('it is a symbolic link');
    expect(await readFile(target, 'utf8')).toBe(`${'C'.repeat(43)}\n`);

    await writeFile(path, 'short\n', { mode: 0o600 });
    expect((await ensureApiToken(path)).replaced).toBe('it does not hold a valid token');
  });

  it('rotates atomically to a new token, mode 0600', async () => {
    const path = await tokenPath();
    const { token } = await ensureApiToken(path);
    const rotated = await rotateApiToken(path);
    expect(rotated).toMatch(TOKEN);
    expect(rotated).not.toBe(token);
    expect((await readFile(path, 'utf8')).trim()).toBe(rotated);
    expect(await modeOf(path)).toBe(0o600);
  });
});

describe('ApiToken (the token a running LightChat holds)', () => {
  const start = async (settingsPath: string, log: NewLogEntry[] = []) => {
    const apiToken = await ApiToken.start({ settingsPath, log: { append: (entry) => log.push(entry) } });
    started.push(apiToken);
    await apiToken.watching();
    return apiToken;
  };

  it('compares in constant time and accepts only its own token', async () => {
    const { path } = await tempSettingsFile();
    const apiToken = await start(path);
    expect(apiToken.matches(apiToken.current())).toBe(true);
    expect(apiToken.matches(`${apiToken.current()}x`)).toBe(false);
    expect(apiToken.matches('')).toBe(false);
  });

  it('follows a rotation made by another process', async () => {
    const { path } = await tempSettingsFile();
    const apiToken = await start(path);
    const old = apiToken.current();
    const rotated = await rotateApiToken(apiTokenPath(path));
    await waitFor(() => apiToken.current() === rotated, 10_000, 'the rotated token is in force');
    expect(apiToken.matches(old)).toBe(false);
    expect(apiToken.matches(rotated)).toBe(true);
  });

  it('logs a replaced file without the token', async () => {
    const { path } = await tempSettingsFile();
    const file = apiTokenPath(path);
    await writeFile(file, `${'D'.repeat(43)}\n`, { mode: 0o644 });
    await chmod(file, 0o644);
    const log: NewLogEntry[] = [];
    const apiToken = await start(path, log);
    expect(log).toEqual([expect.objectContaining({ role: 'error', eventType: 'api_token_replaced' })]);
    expect(JSON.stringify(log)).not.toContain(apiToken.current());
  });
});
