import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseSync } from '../../../src/adapters/store/sqlite.js';
import { type FakeProviderServer, refusedUrl, startFakeOllama } from '../../fixtures/index.js';
import { postChat, readSse } from '../api/support.js';
import { type CliRun, runCli } from './cli-process.js';

/**
 * Real `serve` processes on one data directory, a fake Ollama that answers slowly (so answers are
 * mid-stream when something happens to a process), real SQLite in a temp dir (CONTRACT section 10).
 */

/** Long enough to be mid-stream when a process is killed (about 20 s at this pace). */
const LONG_ANSWER = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
/** Long enough to outlive a restart of the other process on most machines (the test allows either). */
const MEDIUM_ANSWER = Array.from({ length: 600 }, (_, i) => `part${i}`).join(' ');
/** Generous guards against hanging only: every wait is for a condition. */
const GUARD_MS = 60_000;

let ollama: FakeProviderServer;
let dir: string;
let settingsPath: string;
const running: CliRun[] = [];

beforeAll(async () => {
  ollama = await startFakeOllama({
    models: ['llama3.2'],
    behaviour: (request) => ({
      text: request.messages.at(-1)?.content.startsWith('question') ? LONG_ANSWER : MEDIUM_ANSWER,
      tokensPerSecond: 100,
    }),
  });
  dir = await mkdtemp(join(tmpdir(), 'lightchat-processes-'));
  settingsPath = join(dir, 'settings.yaml');
  await writeFile(
    settingsPath,
    [
      'default_provider: fake_ollama',
      'history:',
      '  auto_title: false',
      'providers:',
      '  - id: fake_ollama',
      '    type: ollama',
      `    host: ${ollama.url}`,
      '    default_model: llama3.2',
      '',
    ].join('\n'),
  );
});
afterEach(() => {
  for (const run of running.splice(0)) run.child.kill('SIGKILL');
});
afterAll(async () => {
  await ollama.close();
  await rm(dir, { recursive: true, force: true });
});

interface Server {
  run: CliRun;
  url: string;
}

async function serve(dataDir: string): Promise<Server> {
  const port = Number(new URL(await refusedUrl()).port);
  const run = runCli(
    [
      'serve',
      '--port',
      String(port),
      '--config',
      settingsPath,
      '--data-dir',
      dataDir,
      '--no-auth',
      '--no-log',
    ],
    { LIGHTCHAT_NO_HISTORY: undefined },
  );
  running.push(run);
  await run.line(/LightChat listening on/, GUARD_MS);
  return { run, url: `http://127.0.0.1:${port}` };
}

async function stop(server: Server, signal: NodeJS.Signals): Promise<void> {
  server.run.child.kill(signal);
  await server.run.exited;
}

const get = async (server: Server, path: string) => {
  const response = await fetch(`${server.url}${path}`);
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return response.json();
};

interface StoredMessage {
  id: string;
  role: string;
  content: string;
  status: string;
}
const messagesOf = async (server: Server, id: string): Promise<StoredMessage[]> =>
  (await get(server, `/conversations/${id}`)).messages;

/** Starts a stored streaming chat; resolves with its ids once `start` arrived (the stream goes on). */
async function startStoredChat(server: Server, prompt: string) {
  const response = await postChat(server, { conversation_id: 'new', prompt });
  let resolveIds: (ids: { conversation_id: string; assistant_message_id: string }) => void = () => {};
  const ids = new Promise<{ conversation_id: string; assistant_message_id: string }>((resolve) => {
    resolveIds = resolve;
  });
  const stream = readSse(response, (event) => {
    if (event.event === 'start')
      resolveIds(event.data as { conversation_id: string; assistant_message_id: string });
  }).catch(() => ({ events: [], comments: [] }));
  return { prompt, ...(await ids), stream };
}

/** Polls until `check` holds (a guard against hanging, never a speed limit). */
async function eventually(check: () => Promise<boolean>, label: string): Promise<void> {
  let ok = false;
  const deadline = performance.now() + GUARD_MS;
  while (!ok) {
    ok = await check().catch(() => false);
    if (!ok && performance.now() > deadline) throw new Error(`not met: ${label}`);
    if (!ok) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const integrity = (dataDir: string) => {
  const db = new DatabaseSync(join(dataDir, 'lightchat.db'), { readOnly: true });
  try {
    return db.prepare('PRAGMA integrity_check').get();
  } finally {
    db.close();
  }
};

describe('history across real serve processes', { timeout: 180_000 }, () => {
  it('kill -9 during 20 streaming stored chats: after a restart every turn is there, each answer interrupted with at least the text it had', async () => {
    const dataDir = join(dir, 'killed');
    const first = await serve(dataDir);
    const chats = await Promise.all(
      Array.from({ length: 20 }, (_, i) => startStoredChat(first, `question ${i}`)),
    );

    // What each answer holds on disk, read back through the API before the kill: the kill may lose
    // only what came after (at most the last second), never this.
    const before = new Map<string, string>();
    await eventually(async () => {
      for (const chat of chats) {
        const answer = (await messagesOf(first, chat.conversation_id)).at(-1);
        if (!answer || answer.content === '' || answer.status !== 'streaming') return false;
        before.set(chat.conversation_id, answer.content);
      }
      return true;
    }, 'every answer has text on disk');

    await stop(first, 'SIGKILL');
    const second = await serve(dataDir);
    for (const chat of chats) {
      const messages = await messagesOf(second, chat.conversation_id);
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(messages[0]?.content).toBe(chat.prompt);
      const answer = messages[1] as StoredMessage;
      expect(answer.id).toBe(chat.assistant_message_id);
      expect(answer.status).toBe('interrupted');
      expect(answer.content.startsWith(before.get(chat.conversation_id) as string)).toBe(true);
      expect(LONG_ANSWER.startsWith(answer.content)).toBe(true);
    }
    const listed = await get(second, '/conversations?limit=100');
    expect(listed.items).toHaveLength(20);
    await stop(second, 'SIGTERM');
    expect(integrity(dataDir)).toEqual({ integrity_check: 'ok' });
  });

  it('two serve processes on one data directory: starting or restarting one never interrupts the other; each sees the other’s conversations', async () => {
    const dataDir = join(dir, 'shared');
    const a = await serve(dataDir);
    const fromA = await startStoredChat(a, 'from A');
    await eventually(
      async () => ((await messagesOf(a, fromA.conversation_id)).at(-1)?.content ?? '') !== '',
      'A’s answer is on disk',
    );

    // B starts while A streams: A's answer stays live.
    const b = await serve(dataDir);
    const fromB = await startStoredChat(b, 'from B');
    // Live (or, on a slow machine, already finished): never interrupted.
    expect(['streaming', 'done']).toContain((await messagesOf(b, fromA.conversation_id)).at(-1)?.status);

    // Each sees the other's new conversation (data_version polling).
    const created = await (
      await fetch(`${b.url}/conversations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'made by B' }),
      })
    ).json();
    await eventually(
      async () =>
        (await get(a, '/conversations?limit=100')).items.some((c: { id: string }) => c.id === created.id),
      'A lists B’s conversation',
    );
    await eventually(
      async () =>
        (await get(b, '/conversations?limit=100')).items.some(
          (c: { id: string }) => c.id === fromA.conversation_id,
        ),
      'B lists A’s conversation',
    );

    // A restarts while B streams: B's answer is not marked interrupted, and ends done.
    await stop(a, 'SIGTERM');
    const again = await serve(dataDir);
    expect(['streaming', 'done']).toContain((await messagesOf(again, fromB.conversation_id)).at(-1)?.status);
    const { events } = await fromB.stream;
    expect(events.at(-1)?.event).toBe('done');
    const finished = (await messagesOf(again, fromB.conversation_id)).at(-1) as StoredMessage;
    expect(finished).toMatchObject({ status: 'done', content: MEDIUM_ANSWER });

    await stop(again, 'SIGTERM');
    await stop(b, 'SIGTERM');
    expect(integrity(dataDir)).toEqual({ integrity_check: 'ok' });
  });
});
