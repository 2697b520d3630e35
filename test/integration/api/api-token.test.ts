import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightChatClient, errorCodeOf } from '../../../src/client/index.js';
import { authHeader, rawRequest, startWorld, type World } from './support.js';

let world: World;
let open: World;
beforeAll(async () => {
  world = await startWorld();
  const staticDir = join(world.dir, 'renderer');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>LightChat UI</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  open = await startWorld({ noAuth: true, staticDir });
  // The same page files for the world that needs the token.
  await world.server.close();
  const { startHttpServer } = await import('../../../src/adapters/api/http-server.js');
  world.server = await startHttpServer({ core: world.core, port: world.port, staticDir });
});
afterAll(async () => {
  await world.server.close();
  await world.close();
  await open.close();
});

const chat = JSON.stringify({ prompt: 'hi' });
const json = { 'content-type': 'application/json' };
const ROUTES: [method: string, path: string, body?: string][] = [
  ['GET', '/providers'],
  ['GET', '/models/fake_ollama'],
  ['GET', '/config'],
  ['PUT', '/config', '{}'],
  ['GET', '/logs?limit=5'],
  ['POST', '/chat', chat],
  ['GET', '/trpc/health'],
  ['POST', '/trpc/chat.start', JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })],
  ['GET', '/nope'],
  // Dot segments are resolved as the router resolves them: these are /config and /providers.
  ['GET', '/assets/../config'],
  ['GET', '/assets/%2e%2e/providers'],
  ['GET', '/health/../providers'],
];

describe('while api.auth is on', () => {
  it.each(ROUTES)(
    '%s %s without a token is 401 UNAUTHORIZED, saying how to get one',
    async (method, path, body) => {
      const before = world.ollama.requests.length;
      const response = await rawRequest(world.port, { method, path, headers: json, body });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="LightChat"');
      const answer = JSON.parse(response.body) as Record<string, unknown>;
      expect(answer).toEqual({
        error_code: 'UNAUTHORIZED',
        message: expect.stringContaining('npm exec lightchat token'),
        details: { reason: 'missing' },
      });
      expect(world.ollama.requests.length).toBe(before);
    },
  );

  it.each(ROUTES)('%s %s with a wrong token is 401 UNAUTHORIZED', async (method, path, body) => {
    for (const authorization of [
      `Bearer ${world.token}x`,
      `Bearer ${world.token.slice(1)}`,
      'Bearer',
      world.token,
    ]) {
      const response = await rawRequest(world.port, {
        method,
        path,
        headers: { ...json, authorization },
        body,
      });
      expect(response.status).toBe(401);
      expect(response.body).toContain('"error_code":"UNAUTHORIZED"');
      expect(response.body).not.toContain(world.token);
    }
  });

  it.each(ROUTES.filter(([, path]) => path !== '/nope'))(
    '%s %s with the token gets past the check',
    async (method, path, body) => {
      const response = await rawRequest(world.port, {
        method,
        path,
        headers: { ...json, ...authHeader(world.token) },
        body,
      });
      expect(response.status).not.toBe(401);
    },
  );

  it('takes the scheme in any case', async () => {
    const response = await rawRequest(world.port, {
      path: '/providers',
      headers: { authorization: `bearer ${world.token}` },
    });
    expect(response.status).toBe(200);
  });

  it('leaves GET /health and the web UI open (the page asks for the token itself)', async () => {
    for (const path of ['/health', '/health?x=1', '/', '/index.html', '/assets/app.js']) {
      const response = await rawRequest(world.port, { path });
      expect([path, response.status]).toEqual([path, 200]);
    }
    const head = await rawRequest(world.port, { method: 'HEAD', path: '/health' });
    expect(head.status).toBe(200);
    // Open means the route, not the method.
    const post = await rawRequest(world.port, { method: 'POST', path: '/health', headers: json, body: '{}' });
    expect(post.status).toBe(401);
  });

  it('the Host and Origin checks still come first', async () => {
    const response = await rawRequest(world.port, { path: '/providers', headers: { host: 'evil.example' } });
    expect(response.status).toBe(403);
  });

  it('the typed client reports UNAUTHORIZED with its message', async () => {
    const client = createLightChatClient({ url: world.url, token: 'wrong-token' });
    const error = await client.providers.list.query().catch((reason: unknown) => reason);
    expect(errorCodeOf(error)).toBe('UNAUTHORIZED');
    expect((error as Error).message).toContain('npm exec lightchat token');
  });

  it('the typed client finds the token next to the settings file, for queries and subscriptions', async () => {
    const client = createLightChatClient({ url: world.url, settingsPath: world.settingsPath });
    expect((await client.health.query()).status).toBe('ok');
    const first = await new Promise<unknown>((resolve, reject) => {
      const subscription = client.config.changes.subscribe(undefined, {
        onData: (change) => {
          subscription.unsubscribe();
          resolve(change);
        },
        onError: reject,
      });
      // A settings change makes the subscription yield.
      void client.config.get
        .query()
        .then((config) => client.config.update.mutate({ ...config, logMaxFiles: 7 }));
    });
    expect(first).toEqual(expect.objectContaining({ config: expect.objectContaining({ logMaxFiles: 7 }) }));
  });

  it('never sends the token file of this machine to a server that is not on loopback', async () => {
    const { findApiToken } = await import('../../../src/client/api-token.js');
    expect(await findApiToken({ url: world.url, settingsPath: world.settingsPath, env: {} })).toBe(
      world.token,
    );
    expect(
      await findApiToken({ url: 'http://chat.example:8000', settingsPath: world.settingsPath, env: {} }),
    ).toBeUndefined();
    expect(await findApiToken({ url: 'http://chat.example:8000', env: { LIGHTCHAT_TOKEN: 'given' } })).toBe(
      'given',
    );
  });
});

describe('while api.auth is off (--no-auth)', () => {
  it('answers every route without a token', async () => {
    for (const [method, path, body] of ROUTES.filter(
      ([, p]) => p !== '/nope' && !p.includes('..') && !p.includes('%2e'),
    )) {
      const response = await rawRequest(open.port, { method, path, headers: json, body });
      expect([method, path, response.status]).not.toEqual([method, path, 401]);
    }
  });
});
