import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectMcp, ConnectOptions, McpConnection } from '../../src/adapters/mcp/mcp-connection.js';
import { McpSupervisor } from '../../src/adapters/mcp/mcp-supervisor.js';
import { McpToolHost } from '../../src/adapters/mcp/mcp-tool-host.js';
import type { NewLogEntry } from '../../src/domain/log-entry.js';
import { type McpServerConfig, mcpServerConfigSchema } from '../../src/domain/mcp-settings.js';
import type { ChatLog } from '../../src/domain/ports/chat-log.port.js';

const server = (fields: Partial<McpServerConfig> = {}): McpServerConfig =>
  mcpServerConfigSchema.parse({ command: 'tiny', ...fields });

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

interface FakeServer {
  /** Every start LightChat asked for, with its options. */
  starts: ConnectOptions[];
  connect: ConnectMcp;
  /** Makes the server go away as if its process died. */
  die(reason: string): void;
  closed: number;
}

/** A scripted `connect`: `plan` says what each start does ('ok', 'fail' or 'hang'). */
function fakeServer(plan: (start: number) => 'ok' | 'fail' | 'hang'): FakeServer {
  let lose: (reason: string) => void = () => {};
  const fake: FakeServer = {
    starts: [],
    closed: 0,
    die: (reason) => lose(reason),
    connect: async (options) => {
      fake.starts.push(options);
      const what = plan(fake.starts.length);
      if (what === 'fail') throw new Error('"tiny" was not found');
      if (what === 'hang') return new Promise<McpConnection>(() => {});
      options.onStderr('hello from the server\n');
      const lost = new Promise<string>((resolve) => {
        lose = resolve;
      });
      return {
        tools: [{ name: 'echo', description: 'Says it back', inputSchema: { type: 'object' } }],
        lost,
        callTool: async () => ({ content: [] }),
        close: async () => {
          fake.closed += 1;
        },
      };
    },
  };
  return fake;
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('McpSupervisor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const supervise = (fake: FakeServer, config = server(), log = memoryLog()) =>
    new McpSupervisor({ name: 'tiny', config, connect: fake.connect, log, now: () => Date.now() });

  it('starts in the background: starting, then ready with the tools the server listed', async () => {
    const fake = fakeServer(() => 'ok');
    const supervisor = supervise(fake);
    supervisor.start();
    expect(supervisor.info()).toEqual({ server: 'tiny', status: 'starting', tools: [] });
    await flush();
    expect(supervisor.info()).toEqual({
      server: 'tiny',
      status: 'ready',
      tools: [{ name: 'echo', description: 'Says it back', inputSchema: { type: 'object' } }],
    });
  });

  it('a disabled server is never started', async () => {
    const fake = fakeServer(() => 'ok');
    const supervisor = supervise(fake, server({ enabled: false }));
    supervisor.start();
    await flush();
    expect(supervisor.info().status).toBe('disabled');
    expect(fake.starts).toHaveLength(0);
  });

  it('a server that fails to start is retried after 1 s, 2 s, 4 s … and never more than 60 s apart', async () => {
    const fake = fakeServer(() => 'fail');
    const log = memoryLog();
    const supervisor = supervise(fake, server(), log);
    supervisor.start();
    await flush();
    expect(supervisor.info()).toMatchObject({
      status: 'error',
      error: expect.stringContaining('was not found'),
    });
    const gaps: number[] = [];
    let last = Date.now();
    for (let attempt = 0; attempt < 9; attempt += 1) {
      const before = fake.starts.length;
      while (fake.starts.length === before) await vi.advanceTimersByTimeAsync(250);
      gaps.push(Date.now() - last);
      last = Date.now();
    }
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(log.entries.filter((entry) => entry.role === 'error')[0]).toMatchObject({
      eventType: 'mcp_server',
      details: { server: 'tiny', status: 'error' },
    });
  });

  it('a server that does not start within 30 s is an error, its start is aborted, and it is retried', async () => {
    const fake = fakeServer((start) => (start === 1 ? 'hang' : 'ok'));
    const supervisor = supervise(fake);
    supervisor.start();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(supervisor.info().status).toBe('starting');
    await vi.advanceTimersByTimeAsync(1);
    expect(supervisor.info()).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/^It did not start within 30 s/),
    });
    expect(fake.starts[0]?.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(supervisor.info().status).toBe('ready');
  });

  it('a server that dies says why, with its stderr, and comes back after 1 s', async () => {
    const fake = fakeServer(() => 'ok');
    const supervisor = supervise(fake);
    supervisor.start();
    await flush();
    fake.die('the server exited with code 3');
    await flush();
    expect(supervisor.info()).toEqual({
      server: 'tiny',
      status: 'error',
      error: 'The server exited with code 3.\nLast lines of its stderr:\nhello from the server',
      tools: [],
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(supervisor.info().status).toBe('ready');
    expect(fake.starts).toHaveLength(2);
  });

  it('the backoff starts again from 1 s once a server stayed up a minute', async () => {
    const fake = fakeServer(() => 'ok');
    const supervisor = supervise(fake);
    supervisor.start();
    await flush();
    for (const expected of [1000, 2000, 4000]) {
      fake.die('crash');
      await flush();
      await vi.advanceTimersByTimeAsync(expected - 1);
      expect(supervisor.info().status).toBe('error');
      await vi.advanceTimersByTimeAsync(1);
      expect(supervisor.info().status).toBe('ready');
    }
    await vi.advanceTimersByTimeAsync(60_000);
    fake.die('crash');
    await flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(supervisor.info().status).toBe('ready');
  });

  it('stop() closes the connection and cancels a pending restart', async () => {
    const fake = fakeServer((start) => (start === 1 ? 'ok' : 'fail'));
    const supervisor = supervise(fake);
    supervisor.start();
    await flush();
    fake.die('crash');
    await flush();
    await supervisor.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fake.starts).toHaveLength(1);
    expect(supervisor.info().status).toBe('disabled');
  });
});

describe('McpToolHost.apply (settings reload)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('restarts a server only when its command, args, env, url, headers or enabled changed', async () => {
    const fake = fakeServer(() => 'ok');
    const host = new McpToolHost({ log: memoryLog(), connect: fake.connect });
    const base = server({ args: ['a'], env: { TOKEN: 'abcd' } });
    host.apply({ files: base });
    await flush();
    expect(fake.starts).toHaveLength(1);

    host.apply({ files: { ...base, alwaysAllow: ['echo'], neverAllow: ['rm'], runWithoutAsking: true } });
    await flush();
    expect(fake.starts).toHaveLength(1);
    expect(host.config('files')?.alwaysAllow).toEqual(['echo']);
    expect(host.list()).toMatchObject([{ server: 'files', status: 'ready' }]);

    const changes: Partial<McpServerConfig>[] = [
      { args: ['b'] },
      { env: { TOKEN: 'efgh' } },
      { command: 'other' },
      { enabled: false },
    ];
    let current = base;
    for (const change of changes) {
      current = { ...current, ...change, enabled: change.enabled ?? true };
      host.apply({ files: current });
      await flush();
    }
    // args, env and command each started it again; enabled: false stopped it.
    expect(fake.starts).toHaveLength(4);
    expect(host.list()).toEqual([{ server: 'files', status: 'disabled', tools: [] }]);
    expect(fake.closed).toBe(4);
  });

  it('starts added servers, stops removed ones, and lists them in settings order', async () => {
    const fake = fakeServer(() => 'ok');
    const host = new McpToolHost({ log: memoryLog(), connect: fake.connect });
    host.apply({ b: server(), a: server({ enabled: false }) });
    await flush();
    expect(host.list().map((info) => [info.server, info.status])).toEqual([
      ['b', 'ready'],
      ['a', 'disabled'],
    ]);
    host.apply({ a: server() });
    await flush();
    expect(host.list().map((info) => [info.server, info.status])).toEqual([['a', 'ready']]);
    expect(fake.closed).toBe(1);
    await host.close();
    expect(fake.closed).toBe(2);
  });
});
