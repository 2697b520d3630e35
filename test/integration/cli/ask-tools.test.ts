import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ask } from '../../../src/cli/ask.js';
import { listTools, restartTools } from '../../../src/cli/tools.js';
import type { ChatBehaviour, ChatRequestInfo } from '../../../src/demo/chat-behaviour.js';
import { TINY_MCP_SERVER } from '../../fixtures/mcp-servers.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { startWorld, type World } from '../api/support.js';
import { cliOutput } from './cli-process.js';

const fakeStream = () => {
  const chunks: string[] = [];
  return { isTTY: false, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
};

/** Calls `echo`, then says what came back. */
function echoModel(request: ChatRequestInfo): ChatBehaviour {
  const result = request.messages.findLast((message) => message.role === 'tool');
  if (!result) return { text: '', toolCalls: [{ name: 'echo', arguments: { text: 'ping' } }] };
  return { text: `Tool said: ${result.content}` };
}

/** The tiny server writes its process id here each time it starts: a restart shows as a new one. */
const PID_FILE = join(tmpdir(), `lightchat-tiny-${process.pid}-${Date.now()}.pid`);
const serverPid = async () => (await readFile(PID_FILE, 'utf8')).split(' ')[0];

let world: World;
beforeAll(async () => {
  world = await startWorld({
    ollama: { models: [{ name: 'llama3.2', tools: true }], behaviour: echoModel },
    settingsLines: [
      'mcp_servers:',
      '  tiny:',
      `    command: ${JSON.stringify(process.execPath)}`,
      `    args: ${JSON.stringify([TINY_MCP_SERVER, '--pid-file', PID_FILE])}`,
    ],
  });
  await waitFor(() => world.core.tools.list()[0]?.status === 'ready', 'the tiny server is ready');
});
afterAll(async () => {
  await world.close();
  await rm(PID_FILE, { force: true });
});

async function askWith(flags: { approveAll?: boolean; save?: boolean }, answer: boolean | null) {
  const stdout = fakeStream();
  const stderr = fakeStream();
  const prompt = vi.fn(async (_question: string) => answer);
  const code = await ask(
    { url: world.url, config: world.settingsPath, question: 'Echo ping', ...flags },
    { stdout, stderr, prompt },
  );
  return { code, stdout: stdout.text(), stderr: stderr.text(), prompt };
}

describe('lightchat ask with tools', () => {
  it('shows the call, asks y/N, and runs it when the user says yes', async () => {
    const { code, stdout, stderr, prompt } = await askWith({}, true);
    expect(code).toBe(0);
    expect(prompt).toHaveBeenCalledWith('Run tiny/echo? [y/N] ');
    expect(stderr).toContain('Tool call: tiny/echo {"text":"ping"}');
    expect(stderr).toMatch(/Tool result \(ok, \d+ ms\): ping/);
    expect(stdout).toBe('Tool said: ping\n');
  });

  it('--approve-all runs calls without asking', async () => {
    const { stdout, prompt } = await askWith({ approveAll: true }, false);
    expect(prompt).not.toHaveBeenCalled();
    expect(stdout).toBe('Tool said: ping\n');
  });

  it('without a terminal and without --approve-all, calls are denied', async () => {
    const { code, stdout, stderr } = await askWith({}, null);
    expect(code).toBe(0);
    expect(stderr).toContain('No terminal to ask on: the call is denied');
    expect(stdout).toBe('Tool said: The user denied this tool call.\n');
  });

  it('a stored chat (--save) asks the same way', async () => {
    const { stdout, prompt } = await askWith({ save: true }, true);
    expect(prompt).toHaveBeenCalledOnce();
    expect(stdout).toBe('Tool said: ping\n');
  });
});

describe('lightchat tools', () => {
  it('lists servers, their status and their tools', async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      expect(await listTools({ url: world.url, config: world.settingsPath })).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(lines[0]).toMatch(/^SERVER\s+STATUS\s+TOOLS\s+NAMES\ntiny\s+ready\s+4\s+echo, slow, die, big$/);
  });
});

/** Runs `restartTools` with console output captured. */
async function restart(server: string | undefined) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
    err.push(String(text));
    return true;
  });
  try {
    const code = await restartTools(server, { url: world.url, config: world.settingsPath });
    return { code, stdout: out.join('\n'), stderr: err.join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

describe('lightchat tools restart', () => {
  it('restarts the named server and prints the status it reached', async () => {
    const before = await serverPid();
    const { code, stdout } = await restart('tiny');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^SERVER\s+STATUS\s+TOOLS\ntiny\s+ready\s+4$/);
    expect(await serverPid()).not.toBe(before);
    expect(world.core.tools.list()[0]?.status).toBe('ready');
  });

  it('restarts every server when none is named', async () => {
    const before = await serverPid();
    const { code, stdout } = await restart(undefined);
    expect(code).toBe(0);
    expect(stdout).toMatch(/tiny\s+ready\s+4/);
    expect(await serverPid()).not.toBe(before);
  });

  it('a name that is no server is a clear error and exit code 1, from the real command too', async () => {
    const { code, stderr } = await restart('nope');
    expect(code).toBe(1);
    expect(stderr).toContain('There is no MCP server "nope" in mcp_servers.');
    expect(stderr).toContain('`lightchat tools` lists the servers there are.');
    const run = await cliOutput([
      'tools',
      'restart',
      'nope',
      '--url',
      world.url,
      '--config',
      world.settingsPath,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('There is no MCP server "nope"');
    expect(run.stdout).toBe('');
  });

  it('an unknown action is a usage error', async () => {
    const run = await cliOutput(['tools', 'reboot', '--url', world.url, '--config', world.settingsPath]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown tools action "reboot"');
  });
});
