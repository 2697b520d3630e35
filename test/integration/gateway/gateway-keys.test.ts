import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayKeysPath } from '../../../src/adapters/gateway/gateway-keys-file.js';
import { createLightChatClient } from '../../../src/client/index.js';
import { authHeader, startWorld, type World } from '../api/support.js';
import { cliOutput } from '../cli/cli-process.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const json = { 'content-type': 'application/json' };

function createKey(name: string): Promise<Response> {
  return fetch(`${world.url}/gateway-keys`, {
    method: 'POST',
    headers: { ...json, ...world.auth },
    body: JSON.stringify({ name }),
  });
}

const models = (key: string) => fetch(`${world.url}/v1/models`, { headers: authHeader(key) });

describe('gateway keys', () => {
  it('are created with the admin token, shown once, stored hashed in a 0600 file next to the settings', async () => {
    const created = await createKey('editor');
    expect(created.status).toBe(201);
    const { name, key } = (await created.json()) as { name: string; key: string };
    expect(name).toBe('editor');
    expect(key).toMatch(/^lcgw-[A-Za-z0-9_-]{43}$/);

    const path = gatewayKeysPath(world.settingsPath);
    expect(path).toBe(join(world.dir, 'gateway-keys'));
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(key);
    expect(text).toContain('"name": "editor"');
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const list = (await (
      await fetch(`${world.url}/gateway-keys`, { headers: world.auth })
    ).json()) as unknown[];
    expect(list).toContainEqual({ name: 'editor', created_at: expect.any(String), last_used_at: null });
    expect(JSON.stringify(list)).not.toContain(key);
    expect((await models(key)).status).toBe(200);
  });

  it('refuses a second key of the same name, and names that do not fit in a URL', async () => {
    await createKey('twice');
    const again = await createKey('twice');
    expect(again.status).toBe(422);
    expect(((await again.json()) as { message: string }).message).toContain('already exists');
    const bad = await createKey('no/slashes please');
    expect(bad.status).toBe(422);
  });

  it('need the admin token to be managed', async () => {
    const response = await fetch(`${world.url}/gateway-keys`);
    expect(response.status).toBe(401);
  });

  it('work only on /v1: a gateway key is not the admin token', async () => {
    const { key } = await world.core.gatewayKeys.create('only-v1');
    const providers = await fetch(`${world.url}/providers`, { headers: authHeader(key) });
    expect(providers.status).toBe(401);
    const keys = await fetch(`${world.url}/gateway-keys`, { headers: authHeader(key) });
    expect(keys.status).toBe(401);
  });

  it('refuse the admin token on /v1 with 401 invalid_api_key, saying why', async () => {
    const response = await models(world.token);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; type: string; message: string } };
    expect(body.error.code).toBe('invalid_api_key');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('admin API token');
  });

  it('answer 401 invalid_api_key for a missing or wrong key', async () => {
    for (const headers of [{}, authHeader('lcgw-not-a-key'), { authorization: 'Basic abc' }]) {
      const response = await fetch(`${world.url}/v1/models`, { headers });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string } };
      expect(body.error.code).toBe('invalid_api_key');
    }
  });

  it('are refused at once after DELETE /gateway-keys/{name}', async () => {
    const { key } = await world.core.gatewayKeys.create('soon-gone');
    expect((await models(key)).status).toBe(200);
    const deleted = await fetch(`${world.url}/gateway-keys/soon-gone`, {
      method: 'DELETE',
      headers: world.auth,
    });
    expect(deleted.status).toBe(204);
    expect((await models(key)).status).toBe(401);
    const missing = await fetch(`${world.url}/gateway-keys/soon-gone`, {
      method: 'DELETE',
      headers: world.auth,
    });
    expect(missing.status).toBe(404);
  });

  it('revoked by another process (the CLI) are refused from the next request on', async () => {
    const { key } = await world.core.gatewayKeys.create('cli-revoked');
    expect((await models(key)).status).toBe(200);
    const revoked = await cliOutput(['gateway-key', 'revoke', 'cli-revoked', '--config', world.settingsPath]);
    expect(revoked.code).toBe(0);
    expect((await models(key)).status).toBe(401);
  });

  it('made by the CLI work on a running server at once', async () => {
    const created = await cliOutput(['gateway-key', 'create', 'from-cli', '--config', world.settingsPath]);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^lcgw-/);
    expect(created.stderr).toContain('shown only this once');
    expect((await models(key)).status).toBe(200);
  });

  it('are listed by the CLI by name, never the key or its hash', async () => {
    const { key } = await world.core.gatewayKeys.create('listed');
    const listed = await cliOutput(['gateway-key', 'list', '--json', '--config', world.settingsPath]);
    expect(listed.code).toBe(0);
    const keys = JSON.parse(listed.stdout) as { name: string }[];
    expect(keys).toContainEqual({ name: 'listed', created_at: expect.any(String), last_used_at: null });
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).not.toContain('sha256');
  });

  it('an unknown name given to `lightchat gateway-key revoke` is an error naming the keys there are', async () => {
    const unknown = await cliOutput(['gateway-key', 'revoke', 'nobody', '--config', world.settingsPath]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no gateway key named "nobody"');
  });

  it('refuses every key while the key file is unreadable, and logs why (never resets it)', async () => {
    const { key } = await world.core.gatewayKeys.create('before-damage');
    const path = gatewayKeysPath(world.settingsPath);
    const good = await readFile(path, 'utf8');
    await writeFile(path, '{ not json', { mode: 0o600 });
    expect((await models(key)).status).toBe(401);
    expect(await readFile(path, 'utf8')).toBe('{ not json');
    await writeFile(path, good, { mode: 0o600 });
    expect((await models(key)).status).toBe(200);
    await world.core.logs.flush();
    const entries = await world.core.logs.recent(200);
    expect(entries.some((entry) => entry.eventType === 'gateway_keys_error')).toBe(true);
  });

  it('are created, listed and revoked over tRPC too (the Settings dialog), the key shown only once', async () => {
    const client = createLightChatClient({ url: world.url, token: world.token });
    const { name, key } = await client.gatewayKeys.create.mutate({ name: 'settings-dialog' });
    expect(name).toBe('settings-dialog');
    expect((await models(key)).status).toBe(200);
    const listed = await client.gatewayKeys.list.query();
    expect(listed).toContainEqual({
      name: 'settings-dialog',
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
    });
    expect(JSON.stringify(listed)).not.toContain(key);
    await expect(client.gatewayKeys.create.mutate({ name: 'settings-dialog' })).rejects.toThrow(
      'already exists',
    );
    await expect(client.gatewayKeys.revoke.mutate({ name: 'settings-dialog' })).resolves.toEqual({
      revoked: 'settings-dialog',
    });
    expect((await models(key)).status).toBe(401);
    await expect(client.gatewayKeys.revoke.mutate({ name: 'settings-dialog' })).rejects.toThrow(
      'no gateway key named',
    );
  });
});
