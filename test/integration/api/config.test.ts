import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConfigChange } from '../../../src/client/index.js';
import { createLightChatClient } from '../../../src/client/index.js';
import {
  FAKE_OPENAI_KEY,
  type FakeOpenAIServer,
  HANG_MS,
  startFakeOpenAI,
  waitFor,
} from '../../fixtures/index.js';
import { authHeader, startWorld, type World } from './support.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(() => world.close());

type WireConfig = { revision: string; providers: Record<string, unknown>[]; [key: string]: unknown };

const getConfig = async () =>
  (await (await fetch(`${world.url}/config`, { headers: world.auth })).json()) as WireConfig;
const putConfig = (body: unknown, query = '') =>
  fetch(`${world.url}/config${query}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...world.auth },
    body: JSON.stringify(body),
  });

describe('PUT /config', () => {
  it('saves a valid edit: the file keeps its comments and secrets, and config.changes subscribers hear of it', async () => {
    const changes: ConfigChange[] = [];
    const client = createLightChatClient({ url: world.url, token: world.token });
    const listening = vi.spyOn(world.core.settings, 'onChange');
    const subscription = client.config.changes.subscribe(undefined, {
      onData: (change) => changes.push(change),
    });
    await waitFor(() => listening.mock.calls.length === 1, 'the server listens for changes');
    listening.mockRestore();
    try {
      const config = await getConfig();
      const response = await putConfig({ ...config, log_max_files: 7 });
      expect(response.status).toBe(200);
      const saved = (await response.json()) as WireConfig;
      expect(saved.log_max_files).toBe(7);
      expect(saved.revision).not.toBe(config.revision);
      const file = await readFile(world.settingsPath, 'utf8');
      expect(file).toContain('# test settings: keep this comment');
      expect(file).toContain('# the local fake');
      expect(file).toMatch(/log_max_files: 7/);
      expect(file).toContain(`api_key: ${FAKE_OPENAI_KEY}`);
      await waitFor(() => changes.some((change) => change.config.logMaxFiles === 7), 'config.changes');
    } finally {
      subscription.unsubscribe();
    }
  });

  it('round-trips GET → PUT unchanged: every key kept, including the secret it did not show', async () => {
    const before = await readFile(world.settingsPath, 'utf8');
    const config = await getConfig();
    const response = await putConfig(config);
    expect(response.status).toBe(200);
    const after = await getConfig();
    const { revision: _a, ...restBefore } = config;
    const { revision: _b, ...restAfter } = after;
    expect(restAfter).toEqual(restBefore);
    expect(await readFile(world.settingsPath, 'utf8')).toContain(`api_key: ${FAKE_OPENAI_KEY}`);
    expect((await readFile(world.settingsPath, 'utf8')).split('\n').length).toBeGreaterThanOrEqual(
      before.split('\n').length - 1,
    );
  });

  it('refuses an invalid edit with 422 CONFIG_INVALID and issues, leaving the file byte-identical', async () => {
    const before = await readFile(world.settingsPath);
    const config = await getConfig();
    const response = await putConfig({ ...config, log_max_files: 'many', colour: 'blue' });
    expect(response.status).toBe(422);
    const body = (await response.json()) as {
      error_code: string;
      details: { issues: { path: unknown[] }[] };
    };
    expect(body.error_code).toBe('CONFIG_INVALID');
    expect(body.details.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([['log_max_files']]),
    );
    expect(await readFile(world.settingsPath)).toEqual(before);
  });

  it('refuses a stale revision with 409 CONFIG_CONFLICT', async () => {
    const config = await getConfig();
    const before = await readFile(world.settingsPath);
    const response = await putConfig({ ...config, revision: 'stale', log_max_files: 3 });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error_code: string }).error_code).toBe('CONFIG_CONFLICT');
    expect(await readFile(world.settingsPath)).toEqual(before);
  });

  it('refuses to save over an invalid file (409 CONFIG_FILE_INVALID) unless ?overwrite=1', async () => {
    const config = await getConfig();
    await writeFile(world.settingsPath, 'providers: [oops\n');
    await waitFor(() => world.core.settings.loadError() !== null, 'the reload sees the broken file');
    const current = await getConfig();
    const refused = await putConfig({ ...config, revision: current.revision });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error_code: string }).error_code).toBe('CONFIG_FILE_INVALID');
    const health = (await (await fetch(`${world.url}/health`)).json()) as { config: { error: unknown } };
    expect(health.config.error).toEqual(expect.objectContaining({ message: expect.any(String) }));
    const forced = await putConfig({ ...config, revision: current.revision }, '?overwrite=1');
    expect(forced.status).toBe(200);
    expect(await readFile(`${world.settingsPath}.bak`, 'utf8')).toBe('providers: [oops\n');
  });
});

describe('PUT /config: a stored secret belongs to its host and type', () => {
  let elsewhere: FakeOpenAIServer;
  beforeEach(async () => {
    elsewhere = await startFakeOpenAI();
  });
  afterEach(() => elsewhere.close());

  const editOpenAI = async (patch: Record<string, unknown>) => {
    const config = await getConfig();
    return putConfig({
      ...config,
      providers: config.providers.map((provider) =>
        provider.id === 'fake_openai' ? { ...provider, ...patch } : provider,
      ),
    });
  };
  /** Status probes (GET /providers) until the new host has been asked: a cold SDK load may outlast one probe. */
  const probeUntilAsked = async () => {
    for (const deadline = performance.now() + HANG_MS; elsewhere.requests.length === 0; ) {
      if (performance.now() > deadline) throw new Error('no status probe reached the new host');
      await fetch(`${world.url}/providers`, { headers: authHeader(world.token) });
    }
  };
  const openAIView = async () => (await getConfig()).providers.find((p) => p.id === 'fake_openai');
  it('drops the stored api_key and proxy when the host changes, so no status probe sends the key to the new host', async () => {
    await world.close();
    world = await startWorld({
      providerExtras: {
        fake_openai: ['api_key_env: SOME_KEY_VAR', 'proxy: http://user:proxy-pw@127.0.0.1:3128'],
      },
    });
    expect(await openAIView()).toMatchObject({ api_key_set: true, proxy_set: true });
    const response = await editOpenAI({ host: elsewhere.baseUrl });
    expect(response.status).toBe(200);
    await probeUntilAsked();
    expect(JSON.stringify(elsewhere.requests)).not.toContain(FAKE_OPENAI_KEY);
    const file = await readFile(world.settingsPath, 'utf8');
    expect(file).not.toContain(FAKE_OPENAI_KEY);
    expect(file).not.toContain('proxy-pw');
    expect(file).toContain('api_key_env: SOME_KEY_VAR');
    expect(await openAIView()).toMatchObject({
      api_key_set: false,
      proxy_set: false,
      api_key_env: 'SOME_KEY_VAR',
    });
  });

  it('drops the stored api_key when the type changes, also for an id renamed with previous_id', async () => {
    const response = await editOpenAI({ id: 'renamed', previous_id: 'fake_openai', type: 'ollama' });
    expect(response.status).toBe(200);
    expect(await readFile(world.settingsPath, 'utf8')).not.toContain(FAKE_OPENAI_KEY);
    expect((await getConfig()).providers.find((p) => p.id === 'renamed')).toMatchObject({
      api_key_set: false,
    });
  });

  it('drops the stored api_key when a renamed id also changes its host', async () => {
    const response = await editOpenAI({ id: 'renamed', previous_id: 'fake_openai', host: elsewhere.baseUrl });
    expect(response.status).toBe(200);
    expect(await readFile(world.settingsPath, 'utf8')).not.toContain(FAKE_OPENAI_KEY);
  });

  it('keeps a new api_key sent with the new host, and keeps the stored one when the host is only respelled', async () => {
    const respelled = await editOpenAI({ host: `${world.openai.baseUrl}/` });
    expect(respelled.status).toBe(200);
    expect(await readFile(world.settingsPath, 'utf8')).toContain(`api_key: ${FAKE_OPENAI_KEY}`);

    const moved = await editOpenAI({ host: elsewhere.baseUrl, api_key: 'sk-new-host-key' });
    expect(moved.status).toBe(200);
    const file = await readFile(world.settingsPath, 'utf8');
    expect(file).toContain('api_key: sk-new-host-key');
    expect(file).not.toContain(FAKE_OPENAI_KEY);
    await probeUntilAsked();
    expect(JSON.stringify(elsewhere.requests)).not.toContain(FAKE_OPENAI_KEY);
    expect(elsewhere.requests.map((request) => request.headers.authorization)).toContain(
      'Bearer sk-new-host-key',
    );
  });
});

describe('hand edits', () => {
  it('shows a hand edit of the file in GET /config', async () => {
    const file = await readFile(world.settingsPath, 'utf8');
    await writeFile(
      world.settingsPath,
      file.replace('logging_enabled: true', 'logging_enabled: true\nlog_max_files: 9'),
    );
    // How soon is the watcher's debounce, tested with its store; here that the API serves the edit.
    await expect
      .poll(async () => (await getConfig()).log_max_files, { timeout: HANG_MS, interval: 20 })
      .toBe(9);
  });
});
