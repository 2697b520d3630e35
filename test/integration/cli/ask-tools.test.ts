import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ask } from '../../../src/cli/ask.js';
import { listTools } from '../../../src/cli/tools.js';
import type { ChatBehaviour, ChatRequestInfo } from '../../../src/demo/chat-behaviour.js';
import { TINY_MCP_SERVER } from '../../fixtures/mcp-servers.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { startWorld, type World } from '../api/support.js';

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

let world: World;
beforeAll(async () => {
  world = await startWorld({
    ollama: { models: [{ name: 'llama3.2', tools: true }], behaviour: echoModel },
    settingsLines: [
      'mcp_servers:',
      '  tiny:',
      `    command: ${JSON.stringify(process.execPath)}`,
      `    args: ${JSON.stringify([TINY_MCP_SERVER])}`,
    ],
  });
  await waitFor(() => world.core.tools.list()[0]?.status === 'ready', 'the tiny server is ready');
});
afterAll(() => world.close());

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
