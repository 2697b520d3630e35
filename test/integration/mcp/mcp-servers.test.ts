import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { McpToolHost } from '../../../src/adapters/mcp/mcp-tool-host.js';
import type { NewLogEntry } from '../../../src/domain/log-entry.js';
import { type McpServerConfig, mcpServerConfigSchema } from '../../../src/domain/mcp-settings.js';
import type { ChatLog } from '../../../src/domain/ports/chat-log.port.js';
import type { ToolServerInfo } from '../../../src/domain/ports/tool-host.port.js';
import { isRunning, mcpServerPackage, TINY_MCP_SERVER } from '../../fixtures/mcp-servers.js';
import { waitFor } from '../../fixtures/wait-for.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function memoryLog(): ChatLog & { entries: NewLogEntry[] } {
  const entries: NewLogEntry[] = [];
  return {
    entries,
    append: (entry) => entries.push(entry),
    recent: async () => [],
    tail: async function* () {},
    state: () => ({ enabled: true, writeError: null, dir: '' }),
    configure: () => {},
    flush: async () => {},
    close: async () => {},
  };
}

/** A host running `servers` for real; closed after the test. */
function hostWith(
  servers: Record<string, Partial<McpServerConfig>>,
  options: { startTimeoutMs?: number; env?: Record<string, string | undefined> } = {},
) {
  const log = memoryLog();
  const host = new McpToolHost({ log, killGraceMs: 200, ...options });
  cleanups.push(() => host.close());
  host.apply(
    Object.fromEntries(
      Object.entries(servers).map(([name, fields]) => [name, mcpServerConfigSchema.parse(fields)]),
    ),
  );
  const info = (name: string): ToolServerInfo => {
    const found = host.list().find((server) => server.server === name);
    if (!found) throw new Error(`no server ${name}`);
    return found;
  };
  return { host, log, info };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lightchat-mcp-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const tiny = (...flags: string[]): Partial<McpServerConfig> => ({
  command: process.execPath,
  args: [TINY_MCP_SERVER, ...flags],
});

async function pidsIn(file: string): Promise<number[]> {
  await waitFor(() => {
    try {
      return readFileSync(file, 'utf8').length > 0;
    } catch {
      return false;
    }
  }, 'the server wrote its pid file');
  return (await readFile(file, 'utf8')).split(' ').map(Number);
}

describe('real MCP servers from node_modules', () => {
  it('server-everything starts over stdio, lists its tools with their schemas, and echoes', async () => {
    const { host, info } = hostWith({
      everything: {
        command: process.execPath,
        args: [mcpServerPackage('@modelcontextprotocol/server-everything')],
      },
    });
    await waitFor(() => info('everything').status === 'ready', 'server-everything is ready');
    const echo = info('everything').tools.find((tool) => tool.name === 'echo');
    expect(echo).toMatchObject({ description: expect.any(String), inputSchema: { type: 'object' } });
    const outcome = await host.call({
      server: 'everything',
      name: 'echo',
      arguments: { message: 'hello tools' },
      timeoutMs: 10_000,
      signal: new AbortController().signal,
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.content).toContain('hello tools');
  });

  it('server-filesystem starts with a directory and lists what is in it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'remember the milk');
    const { host, info } = hostWith({
      files: {
        command: process.execPath,
        args: [mcpServerPackage('@modelcontextprotocol/server-filesystem'), dir],
      },
    });
    await waitFor(() => info('files').status === 'ready', 'server-filesystem is ready');
    expect(info('files').tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['read_text_file', 'list_directory', 'write_file']),
    );
    const outcome = await host.call({
      server: 'files',
      name: 'list_directory',
      arguments: { path: dir },
      timeoutMs: 10_000,
      signal: new AbortController().signal,
    });
    expect(outcome).toMatchObject({ ok: true, content: expect.stringContaining('notes.txt') });
  });
});

describe('faults of a stdio server', () => {
  it('a command that does not exist says so and how to fix it', async () => {
    const { info } = hostWith({ missing: { command: 'lightchat-no-such-program' } });
    await waitFor(() => info('missing').status === 'error', 'the error');
    expect(info('missing').error).toMatch(
      /^"lightchat-no-such-program" was not found\. Install it, or give its full path/,
    );
  });

  it('a server that exits at once shows its exit code and the last lines of its stderr', async () => {
    const { info } = hostWith({ quitter: tiny('--exit-at-once') });
    await waitFor(() => info('quitter').status === 'error', 'the error');
    expect(info('quitter').error).toMatch(/exited with code 2/);
    expect(info('quitter').error).toContain('tiny server: missing configuration, giving up');
  });

  it('a server that dies after start is an error, then restarted', async () => {
    const { log, info } = hostWith({ fragile: tiny('--die-after-ready') });
    await waitFor(() => info('fragile').status === 'error', 'the server died');
    expect(info('fragile').error).toMatch(/^The server exited with code 3\./);
    await waitFor(
      () => log.entries.filter((entry) => entry.content.includes('"fragile" is ready')).length >= 2,
      'it was started again',
    );
  });

  it('a server that hangs at start is stopped at the start timeout, SIGKILL if it ignores SIGTERM', async () => {
    const dir = await tempDir();
    const pidFile = join(dir, 'pid');
    // 3 s: far more than the fixture needs to be up and write its pid file, which the test waits for first.
    const { info } = hostWith({ stuck: tiny('--hang', '--pid-file', pidFile) }, { startTimeoutMs: 3000 });
    const [pid] = await pidsIn(pidFile);
    await waitFor(() => info('stuck').status === 'error', 'the start timeout');
    expect(info('stuck').error).toMatch(/^It did not start within 3 s\./);
    await waitFor(() => !isRunning(pid ?? 0), 'the hung server is gone');
  });

  it('a server that writes garbage to stdout never becomes ready and is stopped', async () => {
    const { info } = hostWith({ noisy: tiny('--garbage') }, { startTimeoutMs: 3000 });
    await waitFor(() => info('noisy').status === 'error', 'the start timeout');
    expect(info('noisy').error).toMatch(
      /^It did not start within 3 s\. It wrote what is not MCP to stdout \(/,
    );
    expect(info('noisy').tools).toEqual([]);
  });

  it("the configured secret values never show in the server's stderr tail or the log", async () => {
    const secret = 'tok-1234567890-secret';
    const { log, info } = hostWith({
      leaky: { ...tiny('--stderr-secret', '--exit-at-once'), env: { SECRET_TOKEN: secret } },
    });
    await waitFor(() => info('leaky').status === 'error', 'the error');
    expect(info('leaky').error).toContain('token=[REDACTED] and more');
    expect(info('leaky').error).not.toContain(secret.slice(5));
    expect(JSON.stringify(log.entries)).not.toContain(secret.slice(5));
  });

  it("a stdio server gets PATH, HOME… of LightChat's environment and its own env, never the rest (provider keys)", async () => {
    const dir = await tempDir();
    const envFile = join(dir, 'env.json');
    const { info } = hostWith(
      { envy: { ...tiny('--write-env', envFile), env: { MY_SETTING: 'on', HOME: '/home/override' } } },
      {
        env: {
          PATH: process.env.PATH,
          HOME: '/home/someone',
          USER: 'someone',
          OPENAI_API_KEY: 'sk-not-for-tools',
        },
      },
    );
    await waitFor(() => info('envy').status === 'ready', 'ready');
    const seen = JSON.parse(await readFile(envFile, 'utf8')) as Record<string, string>;
    expect(seen).toMatchObject({
      PATH: process.env.PATH,
      USER: 'someone',
      HOME: '/home/override',
      MY_SETTING: 'on',
    });
    expect(seen.OPENAI_API_KEY).toBeUndefined();
  });

  it('stopping a server ends its whole process group, grandchildren included', async () => {
    const dir = await tempDir();
    const pidFile = join(dir, 'pids');
    const { host, info } = hostWith({ parent: tiny('--grandchild', '--pid-file', pidFile) });
    await waitFor(() => info('parent').status === 'ready', 'ready');
    const pids = await pidsIn(pidFile);
    expect(pids).toHaveLength(2);
    expect(pids.every(isRunning)).toBe(true);
    await host.close();
    await waitFor(() => !pids.some(isRunning), 'the server and its child are gone');
  });
});

describe('one tool call', () => {
  const call = (
    host: McpToolHost,
    name: string,
    args: Record<string, unknown>,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ) =>
    host.call({
      server: 'tiny',
      name,
      arguments: args,
      timeoutMs: options.timeoutMs ?? 10_000,
      signal: options.signal ?? new AbortController().signal,
    });

  it('a 1 MB result comes back cut to 20 KB with a note', async () => {
    const { host, info } = hostWith({ tiny: tiny() });
    await waitFor(() => info('tiny').status === 'ready', 'ready');
    const outcome = await call(host, 'big', { chars: 1024 * 1024 });
    expect(outcome.ok).toBe(true);
    expect(outcome.content).toBe(
      `${'x'.repeat(20 * 1024)}\n\n[LightChat cut this tool result at 20 KB: it was 1.0 MB.]`,
    );
  });

  it('a call that never answers ends at the timeout with an error for the model', async () => {
    const { host, info } = hostWith({ tiny: tiny() });
    await waitFor(() => info('tiny').status === 'ready', 'ready');
    const outcome = await call(host, 'slow', {}, { timeoutMs: 200 });
    expect(outcome).toEqual({
      ok: false,
      content: 'The tool did not answer within 0 s (tools.timeout_s), so the call was cancelled.',
    });
    expect(info('tiny').status).toBe('ready');
  });

  it('a stopped chat cancels its call', async () => {
    const { host, info } = hostWith({ tiny: tiny() });
    await waitFor(() => info('tiny').status === 'ready', 'ready');
    const stop = new AbortController();
    const pending = call(host, 'slow', {}, { signal: stop.signal });
    stop.abort();
    expect(await pending).toEqual({ ok: false, content: 'The tool call was cancelled.' });
  });

  it('a server that dies in the middle of a call: an error for the model, and the server comes back', async () => {
    const { host, log, info } = hostWith({ tiny: tiny() });
    await waitFor(() => info('tiny').status === 'ready', 'ready');
    const outcome = await call(host, 'die', {});
    expect(outcome.ok).toBe(false);
    expect(outcome.content).toMatch(/^The tool call failed: /);
    await waitFor(
      () => log.entries.filter((entry) => entry.content.includes('"tiny" is ready')).length >= 2,
      'restarted',
    );
    expect(await call(host, 'echo', { text: 'back' })).toEqual({ ok: true, content: 'back' });
  });

  it("a tool error is ok: false with the tool's own words; an unknown server is TOOL_NOT_FOUND", async () => {
    const { host, info } = hostWith({ tiny: tiny() });
    await waitFor(() => info('tiny').status === 'ready', 'ready');
    expect(await call(host, 'nope', {})).toEqual({ ok: false, content: 'unknown tool nope' });
    await expect(
      host.call({
        server: 'other',
        name: 'x',
        arguments: {},
        timeoutMs: 1000,
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ code: 'TOOL_NOT_FOUND' });
  });
});

describe('remote servers', () => {
  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server: Server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}/mcp`;
  }

  it('a server that answers 401 says OAuth sign-in is not supported yet', async () => {
    const url = await listen((_request, response) => {
      response.writeHead(401, { 'www-authenticate': 'Bearer realm="mcp"' }).end('{"error":"unauthorized"}');
    });
    const { info } = hostWith({ remote: { url, headers: { Authorization: 'Bearer header-secret-1' } } });
    await waitFor(() => info('remote').status === 'error', 'the error');
    expect(info('remote').error).toMatch(/OAuth sign-in is not supported yet/);
    expect(info('remote').error).not.toContain('header-secret-1');
  });
});
