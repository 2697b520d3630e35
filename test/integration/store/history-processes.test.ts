import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseSync } from '../../../src/adapters/store/sqlite.js';
import { waitFor } from '../../fixtures/wait-for.js';
import type { ChildCommand } from './history-child.js';
import { historyWorld, openStore, tempDataDir } from './support.js';

const CHILD = fileURLToPath(new URL('./history-child.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Another process on the same data directory; `ask` sends it a command and waits for its answer. */
async function otherProcess(dataDir: string) {
  const child = fork(CHILD, [dataDir], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const replies: unknown[] = [];
  child.on('message', (message) => replies.push(message));
  await waitFor(() => replies.length > 0, 30_000, 'the other process starts');
  const ask = async <T>(command: ChildCommand): Promise<T> => {
    const seen = replies.length;
    child.send(command);
    await waitFor(() => replies.length > seen, 30_000, `the other process answers ${command.cmd}`);
    const answer = replies[seen] as T & { error?: string };
    if (answer.error) throw new Error(answer.error);
    return answer;
  };
  return { child, ask, ready: replies[0] as { status: { available: boolean } } };
}

const statusOf = async (dataDir: string, id: string) => {
  const store = await openStore(dataDir);
  const db = new DatabaseSync(join(dataDir, 'lightchat.db'), { readOnly: true });
  const row = db.prepare('SELECT status, content FROM messages WHERE id = ?').get(id) as {
    status: string;
    content: string;
  };
  db.close();
  await store.close();
  return row;
};

describe('several processes on one data directory', { timeout: 60_000 }, () => {
  it("starting one never marks the other's live answers interrupted; a killed one's are, with their text", async () => {
    const dataDir = tempDataDir();
    const here = await historyWorld(dataDir);
    const plan = await here.service.planTurn({ conversationId: 'new', prompt: 'mine' });
    const mine = await here.service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} });

    const other = await otherProcess(dataDir);
    expect(other.ready.status.available).toBe(true);
    const theirs = await other.ask<{ assistantMessageId: string }>({ cmd: 'begin', prompt: 'theirs' });
    await other.ask({ cmd: 'append', text: 'said before the kill' });
    await other.ask({ cmd: 'waitStored', text: 'said before the kill' });
    await other.ask({ cmd: 'append', text: ' and more' });

    // Another start-up while both live: neither answer is touched.
    expect((await statusOf(dataDir, theirs.assistantMessageId)).status).toBe('streaming');
    expect((await statusOf(dataDir, mine.assistantMessageId)).status).toBe('streaming');

    other.child.kill('SIGKILL');
    await new Promise((resolve) => other.child.once('exit', resolve));
    // At least the text it had a second before the kill (later text may have reached the disk too).
    const killed = await statusOf(dataDir, theirs.assistantMessageId);
    expect(killed.status).toBe('interrupted');
    expect(killed.content.startsWith('said before the kill')).toBe(true);
    expect((await statusOf(dataDir, mine.assistantMessageId)).status).toBe('streaming');
    const db = new DatabaseSync(join(dataDir, 'lightchat.db'), { readOnly: true });
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();
  });

  it("each process sees the other's new conversation (data_version polling)", async () => {
    const dataDir = tempDataDir();
    const here = await historyWorld(dataDir);
    const changes: (string | null)[] = [];
    here.service.onChange((change) => changes.push(change.conversationId));
    const other = await otherProcess(dataDir);
    const created = await other.ask<{ id: string }>({ cmd: 'create', title: 'from the other process' });
    // CONTRACT: within 2 s; the deadline only guards against hanging.
    await waitFor(() => changes.includes(null), 20_000, 'a change from the other process');
    expect((await here.service.list()).items.map((c) => c.id)).toContain(created.id);
  });

  it('a process that sees a newer schema appear under it stops using history instead of writing', async () => {
    const dataDir = tempDataDir();
    const here = await historyWorld(dataDir);
    await here.send({ conversationId: 'new', prompt: 'before' });
    const newer = new DatabaseSync(join(dataDir, 'lightchat.db'));
    // The store may still be indexing the turn just written: wait for its write lock, as LightChat does.
    newer.exec('PRAGMA busy_timeout = 20000');
    newer.exec('PRAGMA user_version = 99');
    newer.close();
    await waitFor(() => !here.store.status().available, 20_000, 'the store notices the newer schema');
    expect(here.store.status()).toMatchObject({ reason: 'newer_version' });
    await expect(here.service.create({ title: 'after' })).rejects.toMatchObject({
      code: 'HISTORY_UNAVAILABLE',
      details: { reason: 'newer_version' },
    });
  });
});
