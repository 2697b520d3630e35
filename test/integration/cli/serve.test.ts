import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OLLAMA_ANSWER, refusedUrl } from '../../fixtures/index.js';
import { authHeader, postChat, readSse, startWorld, summarise, type World } from '../api/support.js';
import { cliOutput, ROOT, runCli } from './cli-process.js';

/** A free port: bound, read, released. */
const freePort = async () => Number(new URL(await refusedUrl()).port);

/**
 * The fakes and a settings file from the API tests' world; the CLI runs its own core on that file
 * in a child process.
 */
let world: World;
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: ['llama3.2', 'slow'],
      behaviour: (request) =>
        request.model === 'slow'
          ? { text: FAKE_OLLAMA_ANSWER, tokensPerSecond: 10 }
          : { text: FAKE_OLLAMA_ANSWER },
    },
  });
});
afterAll(() => world.close());

// Each test starts serve in a child process: seconds on an idle machine, several times that on a loaded
// 2-core one (the --demo test took 6 s in CI and timed out at 20 s at load 18). A hang guard, not a deadline.
describe('lightchat serve', { timeout: 60_000 }, () => {
  // The 2 s bound of CONTRACT section 1 is serve's own deadline timer; timing the exit here would only
  // time this machine. What a test can hold: the streams end, and the shutdown finishes by itself.
  it('prints the ready line and the link with the token, serves the API, and on SIGTERM ends open streams and exits 0', async () => {
    const port = await freePort();
    const logDir = join(world.dir, 'serve-logs');
    const serve = runCli([
      'serve',
      '--port',
      String(port),
      '--config',
      world.settingsPath,
      '--log-dir',
      logDir,
    ]);
    try {
      const ready = await serve.line(/LightChat listening/);
      expect(ready).toBe(`LightChat listening on http://127.0.0.1:${port}`);
      const url = `http://127.0.0.1:${port}`;
      const health = (await (await fetch(`${url}/health`)).json()) as {
        config: { path: string };
        demo: boolean;
      };
      expect(health).toEqual(
        expect.objectContaining({
          demo: false,
          config: expect.objectContaining({ path: world.settingsPath }),
        }),
      );

      const link = await serve.line(/^Open /);
      expect(link).toBe(`Open ${url}/#token=${world.token}`);
      const response = await postChat({ url, token: world.token }, { prompt: 'hi', model_id: 'slow' });
      let signalled = false;
      const { events } = await readSse(response, (event) => {
        if (!signalled && event.event === 'message') {
          signalled = true;
          serve.child.kill('SIGTERM');
        }
      });
      const { terminal, last } = summarise(events);
      expect(terminal).toHaveLength(1);
      expect(last).toEqual(
        expect.objectContaining({
          event: 'error',
          data: expect.objectContaining({ error_code: 'SERVER_SHUTTING_DOWN' }),
        }),
      );
      expect(await serve.exited).toBe(0);
      expect(serve.stdout().trim().split('\n')).toEqual([ready, link]);
      expect(serve.stderr()).toBe('');
      // The log was flushed: it holds the stop entry.
      const files = await readdir(logDir);
      const lines = (await Promise.all(files.map((file) => readFile(join(logDir, file), 'utf8')))).join('');
      expect(lines).toContain('"event_type":"app_stop"');
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  it('names the busy port and --port in one line, and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stdout, stderr } = await cliOutput(
        ['serve', '--config', world.settingsPath, '--no-log'],
        {
          LIGHTCHAT_PORT: String(port),
        },
      );
      expect(code).toBe(1);
      expect(stdout).toBe('');
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(String(port));
      expect(lines[0]).toContain('--port');
    } finally {
      blocker.close();
    }
  });

  it('a settings path it cannot use: one line naming it, exit 1, and no store worker or lock left behind', async () => {
    // The path runs through a file: nothing can be read or written next to settings.yaml.
    await writeFile(join(world.dir, 'a-file'), 'not a folder\n');
    const settingsPath = join(world.dir, 'a-file', 'settings.yaml');
    const dataDir = join(world.dir, 'start-failure-data');
    const serve = runCli(
      [
        'serve',
        '--port',
        String(await freePort()),
        '--config',
        settingsPath,
        '--data-dir',
        dataDir,
        '--no-log',
      ],
      { LIGHTCHAT_NO_HISTORY: undefined },
    );
    try {
      // It ends by itself: nothing it started is left running.
      expect(await serve.exited).toBe(1);
    } finally {
      serve.child.kill('SIGKILL');
    }
    expect(serve.stdout()).toBe('');
    const lines = serve.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(settingsPath);
    expect(lines[0]).toMatch(/not a directory/);
    // The store's worker had opened the file (it is there) and was closed: its lock file is gone (without
    // the close on failure in createLightChat, the lock stays).
    expect(existsSync(join(dataDir, 'lightchat.db'))).toBe(true);
    expect(await readdir(join(dataDir, 'locks'))).toEqual([]);
  }, 120_000);

  it('--demo streams a Markdown answer with no other provider configured, and says it is a demo', async () => {
    const settingsPath = join(world.dir, 'empty-settings.yaml');
    await writeFile(settingsPath, 'default_provider: null\nproviders: []\n');
    const port = await freePort();
    const serve = runCli(['serve', '--demo', '--port', String(port), '--config', settingsPath, '--no-log']);
    try {
      expect(await serve.line(/LightChat listening/)).toBe(
        `LightChat listening on http://127.0.0.1:${port} (demo)`,
      );
      const url = `http://127.0.0.1:${port}`;
      const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
      expect(health).toEqual(expect.objectContaining({ demo: true, default_provider: 'demo' }));
      // A new user's one step: the printed link holds what the page needs.
      const token = (await serve.line(/^Open /)).replace(`Open ${url}/#token=`, '');
      expect(token).toBe(world.token);
      const { events } = await readSse(await postChat({ url, token }, { prompt: 'hello' }));
      const { text, last } = summarise(events);
      expect(last).toEqual(
        expect.objectContaining({ event: 'done', data: expect.objectContaining({ provider_id: 'demo' }) }),
      );
      expect(text).toMatch(/^#/m);
      expect(text).toContain('```');
      expect(text).toMatch(/^\|.*\|$/m);
      // The demo model can use tools (an MCP server added in Settings shows a tool call without an LLM).
      const models = (await (await fetch(`${url}/models/demo`, { headers: world.auth })).json()) as {
        id: string;
        capabilities: string[];
      }[];
      expect(models.find((model) => model.id === 'demo')?.capabilities).toContain('tools');
      // The overlay is never written to the file.
      const config = (await (await fetch(`${url}/config`, { headers: world.auth })).json()) as {
        providers: unknown[];
      };
      expect(config.providers).toEqual([]);
      expect(await readFile(settingsPath, 'utf8')).not.toContain('demo');
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});

describe('the API token', { timeout: 60_000 }, () => {
  it('lightchat token --rotate reaches a running server: the old token is refused, the new one works', async () => {
    const settingsPath = join(world.dir, 'rotate', 'settings.yaml');
    const port = await freePort();
    const serve = runCli(['serve', '--port', String(port), '--config', settingsPath, '--no-log']);
    try {
      const url = `http://127.0.0.1:${port}`;
      const old = (await serve.line(/^Open /)).replace(`Open ${url}/#token=`, '');
      const status = async (token: string) =>
        (await fetch(`${url}/providers`, { headers: authHeader(token) })).status;
      expect(await status(old)).toBe(200);

      const printed = await cliOutput(['token', '--config', settingsPath]);
      expect(printed).toEqual({ code: 0, stdout: `${old}\n`, stderr: '' });
      const rotated = await cliOutput(['token', '--rotate', '--config', settingsPath]);
      expect(rotated.code).toBe(0);
      const token = rotated.stdout.trim();
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(token).not.toBe(old);

      // CONTRACT: within 1 s; the deadline here only guards against hanging.
      for (const deadline = performance.now() + 10_000; (await status(token)) !== 200; ) {
        if (performance.now() > deadline) throw new Error('the rotated token never reached the server');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await status(old)).toBe(401);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('--no-auth serves without a token, prints no link, and warns why that is dangerous', async () => {
    const port = await freePort();
    const serve = runCli([
      'serve',
      '--no-auth',
      '--port',
      String(port),
      '--config',
      world.settingsPath,
      '--no-log',
    ]);
    try {
      await serve.line(/LightChat listening/);
      expect((await fetch(`http://127.0.0.1:${port}/providers`)).status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    expect(serve.stdout().trim().split('\n')).toEqual([`LightChat listening on http://127.0.0.1:${port}`]);
    expect(serve.stderr()).toMatch(
      /WARNING: the API token is off \(--no-auth\)\. Any program or user on this machine/,
    );
    expect(serve.stderr()).not.toContain(world.token);
  });

  it('LIGHTCHAT_NO_AUTH=1 means --no-auth', async () => {
    const port = await freePort();
    const serve = runCli(['serve', '--port', String(port), '--config', world.settingsPath, '--no-log'], {
      LIGHTCHAT_NO_AUTH: '1',
    });
    try {
      await serve.line(/LightChat listening/);
      expect((await fetch(`http://127.0.0.1:${port}/config`)).status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});

describe('bin/lightchat.js', { timeout: 60_000 }, () => {
  // The built command runs the bundle of scripts/bundle-cli.js (`npm run build` makes it; CI builds
  // before it tests): its store worker, its lazily loaded provider code and its history all work.
  it('serves from the bundle: history in its worker, a chat through the provider code it loads later', async () => {
    const port = await freePort();
    const serve = runCli(
      [
        'serve',
        '--port',
        String(port),
        '--config',
        world.settingsPath,
        '--no-log',
        '--data-dir',
        join(world.dir, 'bundle-data'),
      ],
      { LIGHTCHAT_NO_HISTORY: undefined },
      ['bin/lightchat.js'],
    );
    try {
      await serve.line(/LightChat listening/);
      const server = { url: `http://127.0.0.1:${port}`, token: world.token };
      const stored = await postChat(server, { conversation_id: 'new', prompt: 'Hi' });
      expect(stored.status).toBe(200);
      const { text, terminal } = summarise((await readSse(stored)).events);
      expect(text).toBe(FAKE_OLLAMA_ANSWER);
      expect(terminal.map((event) => event.event)).toEqual(['done']);
      const list = (await (
        await fetch(`${server.url}/conversations`, { headers: authHeader(world.token) })
      ).json()) as {
        items: { message_count: number }[];
      };
      expect(list.items.map((item) => item.message_count)).toEqual([2]);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    // What serve loads later stays out of the start-up file.
    const entry = await readFile(join(ROOT, 'out/node/bundle/index.js'), 'utf8');
    expect(entry).not.toContain('@modelcontextprotocol');
    expect(existsSync(join(ROOT, 'out/node/bundle/store-worker.js'))).toBe(true);
  });

  it('tells an old Node what it needs, in one clear line, and exits 1', async () => {
    const oldNode = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.11.1"})';
    const result = await promisify(execFile)(
      process.execPath,
      ['--import', oldNode, 'bin/lightchat.js', '--help'],
      {
        cwd: ROOT,
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(result).toEqual(expect.objectContaining({ code: 1 }));
    expect((result as { stderr: string }).stderr.split('\n')[0]).toBe(
      'LightChat needs Node ≥ 22.12 (found 20.11.1).',
    );
  });
});
