import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLightChatClient } from '../../../src/client/index.js';
import { isRunning, TINY_MCP_SERVER } from '../../fixtures/mcp-servers.js';
import { refusedUrl } from '../../fixtures/refused-url.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { runCli } from '../cli/cli-process.js';
import { startWorld, type World } from './support.js';

const serverLines = (flags: string[] = []) => [
  'mcp_servers:',
  '  tiny:',
  `    command: ${JSON.stringify(process.execPath)}`,
  `    args: ${JSON.stringify([TINY_MCP_SERVER, ...flags])}`,
  '  off:',
  '    url: http://127.0.0.1:9/mcp',
  '    enabled: false',
];

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

type WireServer = { server: string; status: string; error?: string; tools: Record<string, unknown>[] };

describe('GET /tools and tools.list', () => {
  it('list every configured server with its status and tools; schemas keep their own key names', async () => {
    world = await startWorld({ settingsLines: serverLines() });
    const { url, auth } = world;
    const list = async () => (await (await fetch(`${url}/tools`, { headers: auth })).json()) as WireServer[];
    await waitFor(async () => (await list())[0]?.status === 'ready', 'the tiny server is ready');
    const servers = await list();
    expect(servers[1]).toEqual({ server: 'off', status: 'disabled', tools: [] });
    expect(servers[0]?.server).toBe('tiny');
    expect(servers[0]?.tools[0]).toEqual({
      name: 'echo',
      description: 'Says back what it is given',
      input_schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });

    const client = createLightChatClient({ url, token: world.token });
    const viaTrpc = await client.tools.list.query();
    expect(viaTrpc.map((server) => server.status)).toEqual(['ready', 'disabled']);
    expect(viaTrpc[0]?.tools[0]?.inputSchema).toEqual({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
  });

  it('GET /tools needs the API token', async () => {
    world = await startWorld();
    expect((await fetch(`${world.url}/tools`)).status).toBe(401);
  });

  it('a reload that removes a server stops it', async () => {
    world = await startWorld({ settingsLines: serverLines() });
    const current = world;
    const list = async () =>
      (await (await fetch(`${current.url}/tools`, { headers: current.auth })).json()) as WireServer[];
    await waitFor(async () => (await list())[0]?.status === 'ready', 'ready');
    const file = await readFile(current.settingsPath, 'utf8');
    await writeFile(current.settingsPath, file.replace(/mcp_servers:[\s\S]*?enabled: false\n/, ''));
    await waitFor(async () => (await list()).length === 0, 'the server is gone from the list');
  });
});

describe('Restart: POST /tools/{server}/restart, tools.restart and tools.changes', () => {
  it('restarts a ready server at once (a new process), and tools.changes follows it through starting to ready', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lightchat-restart-'));
    try {
      const pidFile = join(dir, 'pid');
      world = await startWorld({ settingsLines: serverLines(['--pid-file', pidFile]) });
      const { url, auth, token } = world;
      const client = createLightChatClient({ url, token });
      const seen: string[] = [];
      const subscription = client.tools.changes.subscribe(undefined, {
        onData: (servers) =>
          seen.push(servers.map((server) => `${server.server}:${server.status}`).join(',')),
      });
      try {
        await waitFor(
          () => seen.includes('tiny:ready,off:disabled'),
          'the subscription saw the server ready',
        );
        const firstPid = await readFile(pidFile, 'utf8');
        seen.length = 0;

        const answer = await fetch(`${url}/tools/tiny/restart`, { method: 'POST', headers: auth });
        expect(answer.status).toBe(200);
        expect(((await answer.json()) as WireServer).server).toBe('tiny');
        await waitFor(() => seen.includes('tiny:ready,off:disabled'), 'ready again after the restart');
        expect(seen[0]).not.toBe('tiny:ready,off:disabled'); // it went through starting first
        expect(await readFile(pidFile, 'utf8')).not.toBe(firstPid);

        // The same over tRPC.
        seen.length = 0;
        await client.tools.restart.mutate({ server: 'tiny' });
        await waitFor(() => seen.includes('tiny:ready,off:disabled'), 'ready again after tools.restart');
      } finally {
        subscription.unsubscribe();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an unknown server is 404 TOOL_NOT_FOUND, naming it', async () => {
    world = await startWorld({ settingsLines: serverLines() });
    const answer = await fetch(`${world.url}/tools/nope/restart`, { method: 'POST', headers: world.auth });
    expect(answer.status).toBe(404);
    const body = (await answer.json()) as { error_code: string; message: string };
    expect(body.error_code).toBe('TOOL_NOT_FOUND');
    expect(body.message).toContain('"nope"');
  });

  it('POST /tools/{server}/restart needs the API token', async () => {
    world = await startWorld({ settingsLines: serverLines() });
    expect((await fetch(`${world.url}/tools/tiny/restart`, { method: 'POST' })).status).toBe(401);
  });
});

describe('serve stops every MCP server', () => {
  it('after SIGTERM no server process and no grandchild is left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lightchat-serve-mcp-'));
    try {
      const pidFile = join(dir, 'pids');
      const settingsPath = join(dir, 'settings.yaml');
      await writeFile(
        settingsPath,
        [...serverLines(['--grandchild', '--pid-file', pidFile]), 'providers: []', ''].join('\n'),
      );
      const port = Number(new URL(await refusedUrl()).port);
      const serve = runCli(['serve', '--port', String(port), '--config', settingsPath, '--no-log'], {
        LIGHTCHAT_DATA_DIR: join(dir, 'data'),
      });
      try {
        // Generous: a CLI started from the sources is slow on a loaded machine (a guard against hanging).
        await serve.line(/LightChat listening/, 90_000);
        await waitFor(async () => {
          try {
            return (await readFile(pidFile, 'utf8')).split(' ').length === 2;
          } catch {
            return false;
          }
        }, 60_000);
      } finally {
        serve.child.kill('SIGTERM');
      }
      expect(await serve.exited).toBe(0);
      const pids = (await readFile(pidFile, 'utf8')).split(' ').map(Number);
      await waitFor(() => !pids.some(isRunning), 'no MCP process is left');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
