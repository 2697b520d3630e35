import { mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatBehaviour, ChatRequestInfo, FakeToolCall } from '../../../src/demo/chat-behaviour.js';
import { mcpServerPackage, TINY_MCP_SERVER } from '../../fixtures/mcp-servers.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { postChat, readSse, type SseEvent, startWorld, summarise, type World } from './support.js';

/**
 * The tool loop end to end over REST, against real MCP servers started with `node` from
 * node_modules (server-filesystem, server-everything) and the tiny misbehaving one.
 */

let world: World | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'lightchat-tools-')));
  dirs.push(dir);
  return dir;
}

/** A model that makes `call` first, then answers with what came back. */
const callingModel =
  (call: FakeToolCall) =>
  (request: ChatRequestInfo): ChatBehaviour => {
    const result = request.messages.findLast((message) => message.role === 'tool');
    if (!result) return { text: '', toolCalls: [call] };
    return { text: `Result: ${result.content}` };
  };

async function worldWith(servers: string[], call: FakeToolCall, extra: string[] = []): Promise<World> {
  world = await startWorld({
    ollama: { models: [{ name: 'llama3.2', tools: true }], behaviour: callingModel(call) },
    settingsLines: [...extra, 'mcp_servers:', ...servers],
  });
  const current = world;
  await waitFor(
    () => current.core.tools.list().every((server) => server.status !== 'starting'),
    'the MCP servers started',
  );
  return current;
}

const filesystem = (dir: string, extra: string[] = []) => [
  '  files:',
  `    command: ${JSON.stringify(process.execPath)}`,
  `    args: ${JSON.stringify([mcpServerPackage('@modelcontextprotocol/server-filesystem'), dir])}`,
  ...extra,
];

const tiny = (flags: string[] = []) => [
  '  tiny:',
  `    command: ${JSON.stringify(process.execPath)}`,
  `    args: ${JSON.stringify([TINY_MCP_SERVER, ...flags])}`,
  '    always_allow: [echo, slow, die, big]',
];

/** One `POST /chat` with tools; `decision` answers every call that waits (none: nobody answers). */
async function chat(w: World, decision?: 'approve' | 'deny' | 'always') {
  let chatId = '';
  const answers: Promise<Response>[] = [];
  const response = await postChat(w, { prompt: 'Go', tools: 'auto' });
  const { events } = await readSse(response, (event: SseEvent) => {
    const data = event.data as Record<string, unknown>;
    if (event.event === 'start') chatId = String(data.chat_id);
    if (event.event === 'tool_call' && data.needs_approval && decision) {
      answers.push(
        fetch(`${w.url}/chats/${chatId}/tool-calls/${String(data.id)}`, {
          method: 'POST',
          headers: { ...w.auth, 'content-type': 'application/json' },
          body: JSON.stringify({ decision }),
        }),
      );
    }
  });
  for (const answer of answers) expect((await answer).status).toBe(200);
  const find = (name: string) =>
    events.find((e) => e.event === name)?.data as Record<string, unknown> | undefined;
  return {
    events,
    call: find('tool_call'),
    result: find('tool_result'),
    done: find('done'),
    ...summarise(events),
  };
}

describe('tools end to end with server-filesystem', () => {
  it('the model lists a temp directory, the user approves, and the answer uses the listing', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'remember the milk');
    const w = await worldWith(filesystem(dir), { name: 'list_directory', arguments: { path: dir } });
    const { call, result, text, done } = await chat(w, 'approve');
    expect(call).toMatchObject({ server: 'files', name: 'list_directory', needs_approval: true });
    expect(result).toMatchObject({ ok: true, content: expect.stringContaining('notes.txt') });
    expect(text).toContain('[FILE] notes.txt');
    expect(done?.finish_reason).toBe('stop');
  });

  it('"always" writes always_allow to settings.yaml (comments kept), and the next call runs unasked', async () => {
    const dir = await tempDir();
    const w = await worldWith(filesystem(dir), { name: 'list_directory', arguments: { path: dir } });
    const first = await chat(w, 'always');
    expect(first.result?.ok).toBe(true);
    const file = await readFile(w.settingsPath, 'utf8');
    expect(file).toContain('# test settings: keep this comment');
    expect(file).toMatch(/always_allow:\s*\n?\s*-?\s*\[?\s*list_directory/);
    await waitFor(
      () => w.core.settings.current().mcpServers.files?.alwaysAllow.includes('list_directory') === true,
      'applied',
    );
    const second = await chat(w);
    expect(second.call?.needs_approval).toBe(false);
    expect(second.result?.ok).toBe(true);
  });

  it('a denied write leaves the file system untouched', async () => {
    const dir = await tempDir();
    const w = await worldWith(filesystem(dir), {
      name: 'write_file',
      arguments: { path: join(dir, 'evil.txt'), content: 'pwned' },
    });
    const { result, text, done } = await chat(w, 'deny');
    expect(result).toMatchObject({ ok: false, content: 'The user denied this tool call.' });
    expect(text).toBe('Result: The user denied this tool call.');
    expect(done?.finish_reason).toBe('stop');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('tool faults during a chat: the model gets an error, the chat ends cleanly', () => {
  it('server-everything echo, allowed in advance, runs without asking', async () => {
    const w = await worldWith(
      [
        '  everything:',
        `    command: ${JSON.stringify(process.execPath)}`,
        `    args: ${JSON.stringify([mcpServerPackage('@modelcontextprotocol/server-everything')])}`,
        '    always_allow: [echo]',
      ],
      { name: 'echo', arguments: { message: 'hello tools' } },
    );
    const { call, result } = await chat(w);
    expect(call?.needs_approval).toBe(false);
    expect(result).toMatchObject({ ok: true, content: expect.stringContaining('hello tools') });
  });

  it('a server that dies in the middle of a call', async () => {
    const w = await worldWith(tiny(), { name: 'die', arguments: {} });
    const { result, done, text } = await chat(w);
    expect(result?.ok).toBe(false);
    expect(text).toMatch(/^Result: /);
    expect(done?.finish_reason).toBe('stop');
    // …and it is restarted with backoff.
    await waitFor(() => w.core.tools.list()[0]?.status === 'ready', 'the tiny server is back');
  });

  it('a call that never answers ends at tools.timeout_s with an error for the model', async () => {
    const w = await worldWith(tiny(), { name: 'slow', arguments: {} }, ['tools:', '  timeout_s: 0.3']);
    const { result, done } = await chat(w);
    expect(result).toMatchObject({ ok: false, content: expect.stringContaining('tools.timeout_s') });
    expect(done?.finish_reason).toBe('stop');
  });

  it("a server whose command does not exist is an error, and the chat's other tools still work", async () => {
    const w = await worldWith(
      ['  ghost:', '    command: lightchat-no-such-program', '    always_allow: [anything]', ...tiny()],
      { name: 'echo', arguments: { text: 'still works' } },
    );
    expect(w.core.tools.list()[0]).toMatchObject({ server: 'ghost', status: 'error' });
    const { result, done } = await chat(w);
    expect(result).toMatchObject({ ok: true, content: 'still works' });
    expect(done?.finish_reason).toBe('stop');
  });

  it('a 5 MB result reaches the model cut to 20 KB with a note', async () => {
    const w = await worldWith(tiny(), { name: 'big', arguments: { chars: 5_000_000 } });
    const { result } = await chat(w);
    const content = String(result?.content);
    expect(content.length).toBeLessThan(21 * 1024);
    expect(content).toContain('LightChat cut this tool result at 20 KB: it was 4.8 MB');
    const sent = w.ollama.requests.filter((r) => r.path === '/api/chat').at(-1)?.body as {
      messages: { role: string; content: string }[];
    };
    expect(sent.messages.at(-1)?.content).toBe(content);
  });

  it('stopping the chat while a call waits for approval ends it as stopped, nothing left waiting', async () => {
    const dir = await tempDir();
    const w = await worldWith(filesystem(dir), {
      name: 'write_file',
      arguments: { path: join(dir, 'never.txt'), content: 'x' },
    });
    const stop = new AbortController();
    const response = await postChat(w, { prompt: 'Go', tools: 'auto' }, { signal: stop.signal });
    await readSse(response, (event) => {
      if (event.event === 'tool_call') stop.abort();
    }).catch(() => undefined);
    await waitFor(
      () => w.core.toolApprovals.pending().length === 0 && w.core.chats.size === 0,
      'the chat ended',
    );
    expect(await readdir(dir)).toEqual([]);
  });
});
