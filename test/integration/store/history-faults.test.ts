import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryConversationStore } from '../../../src/adapters/store/memory-conversation-store.js';
import { openHistory } from '../../../src/adapters/store/open-history.js';
import { LATEST_VERSION, MIGRATIONS } from '../../../src/adapters/store/schema.js';
import { DatabaseSync } from '../../../src/adapters/store/sqlite.js';
import type { AppError } from '../../../src/domain/errors.js';
import { ConversationService } from '../../../src/domain/services/conversation-service.js';
import { doneEvent, historyWorld, openStore, tempDataDir } from './support.js';

const dbPath = (dataDir: string) => join(dataDir, 'lightchat.db');

/** A database of the newest version with one conversation, closed. */
async function seeded(dataDir = tempDataDir()) {
  const world = await historyWorld(dataDir);
  const turn = await world.send({ conversationId: 'new', prompt: 'keep me' }, 'kept');
  await world.store.close();
  return { dataDir, conversationId: turn.conversationId };
}

const tables = (path: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  const names = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
  ).map((row) => row.name);
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  const conversations = (db.prepare('SELECT count(*) AS n FROM conversations').get() as { n: number }).n;
  db.close();
  return { names, version, conversations };
};

describe('history faults', () => {
  it('refuses a database written by a newer LightChat, leaving its bytes unchanged', async () => {
    const dataDir = tempDataDir();
    const db = new DatabaseSync(dbPath(dataDir));
    db.exec('CREATE TABLE future (x); INSERT INTO future VALUES (1); PRAGMA user_version = 99');
    db.close();
    const before = readFileSync(dbPath(dataDir));
    const store = await openStore(dataDir);
    expect(store.status()).toMatchObject({
      available: false,
      reason: 'newer_version',
      path: dbPath(dataDir),
    });
    const service = new ConversationService({ store, temporary: new MemoryConversationStore() });
    await expect(service.list()).rejects.toMatchObject({ code: 'HISTORY_UNAVAILABLE' });
    // Chat goes on without history: a temporary conversation still works.
    expect((await service.create({ temporary: true })).temporary).toBe(true);
    await store.close();
    expect(readFileSync(dbPath(dataDir)).equals(before)).toBe(true);
  });

  it('refuses a file of random bytes as damaged, unchanged; "start a new history" keeps it aside first', async () => {
    const dataDir = tempDataDir();
    const bytes = randomBytes(64 * 1024);
    writeFileSync(dbPath(dataDir), bytes);
    const store = await openStore(dataDir);
    expect(store.status()).toMatchObject({ available: false, reason: 'damaged', path: dbPath(dataDir) });
    expect(readFileSync(dbPath(dataDir)).equals(bytes)).toBe(true);

    const status = await store.startNewHistory();
    expect(status.available).toBe(true);
    const kept = readdirSync(dataDir).filter((name) => /^lightchat\.db\.damaged-\d{4}-.*Z$/.test(name));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dataDir, kept[0] as string)).equals(bytes)).toBe(true);
    const service = new ConversationService({ store, temporary: new MemoryConversationStore() });
    await service.create({ title: 'fresh' });
    expect((await service.list()).items.map((c) => c.title)).toEqual(['fresh']);
  });

  it('a migration that fails halfway leaves the database as it was, with the snapshot beside it', async () => {
    const { dataDir } = await seeded();
    const failing = [
      ...MIGRATIONS,
      { version: LATEST_VERSION + 1, sql: 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);' },
    ];
    const opened = openHistory(dataDir, failing);
    expect(opened).toMatchObject({
      ok: false,
      status: { reason: 'migration_failed', path: dbPath(dataDir) },
    });
    const message = opened.ok ? '' : opened.status.message;
    expect(message).toContain(
      `from version ${LATEST_VERSION} to ${LATEST_VERSION + 1} failed: no such table: nowhere`,
    );
    expect(message).toContain(`${dbPath(dataDir)}.pre-v${LATEST_VERSION + 1}`);
    expect(tables(dbPath(dataDir))).toMatchObject({ version: LATEST_VERSION, conversations: 1 });
    expect(tables(dbPath(dataDir)).names).not.toContain('half');
    expect(tables(`${dbPath(dataDir)}.pre-v${LATEST_VERSION + 1}`)).toMatchObject({
      version: LATEST_VERSION,
      conversations: 1,
    });
  });

  it('migrates after a snapshot and keeps the last three snapshots', async () => {
    const { dataDir } = await seeded();
    const migrations = [...MIGRATIONS];
    const last = LATEST_VERSION + 4;
    for (let version = LATEST_VERSION + 1; version <= last; version++) {
      migrations.push({ version, sql: `CREATE TABLE IF NOT EXISTS t${version} (x);` });
      const opened = openHistory(dataDir, migrations);
      expect(opened.ok).toBe(true);
      if (opened.ok) opened.db.close();
    }
    expect(tables(dbPath(dataDir))).toMatchObject({ version: last, conversations: 1 });
    // By version, not by name: `pre-v10` sorts before `pre-v8`.
    const snapshots = readdirSync(dataDir)
      .filter((name) => name.includes('.pre-v'))
      .sort((a, b) => Number(a.split('.pre-v')[1]) - Number(b.split('.pre-v')[1]));
    expect(snapshots).toEqual([last - 2, last - 1, last].map((version) => `lightchat.db.pre-v${version}`));
    expect(tables(`${dbPath(dataDir)}.pre-v${last}`).version).toBe(last - 1);
  });

  it('a full disk while an answer streams: the error surfaces, the chat goes on, nothing stored is lost', async () => {
    const { dataDir, conversationId } = await seeded();
    const world = await historyWorld(dataDir, { maxPageCount: 40 });
    const errors: AppError[] = [];
    const plan = await world.service.planTurn({ conversationId, prompt: 'a long answer please' });
    const turn = await world.service.beginTurn(
      plan,
      { providerId: 'p', modelId: 'm' },
      { onError: (e) => errors.push(e) },
    );
    turn.append({ type: 'token', text: randomBytes(400 * 1024).toString('hex') });
    await turn.finish(doneEvent);
    expect(errors[0]).toMatchObject({ code: 'HISTORY_UNAVAILABLE', details: { reason: 'disk_full' } });
    expect(errors[0]?.message).toContain('Nothing stored before was lost');
    // Still usable for what fits.
    expect((await world.service.get(conversationId)).conversation.messageCount).toBe(4);
    await world.store.close();

    const db = new DatabaseSync(dbPath(dataDir), { readOnly: true });
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    const contents = db.prepare('SELECT content, status FROM messages ORDER BY seq').all();
    db.close();
    expect(contents).toEqual([
      { content: 'keep me', status: 'done' },
      { content: 'kept', status: 'done' },
      { content: 'a long answer please', status: 'done' },
      // The text did not fit; the answer still got its final status (the conversation is not left busy).
      { content: '', status: 'error' },
    ]);
  });

  it('a database damaged behind a valid header is refused and left unchanged', async () => {
    const { dataDir } = await seeded();
    const bytes = readFileSync(dbPath(dataDir));
    // Keep page 1 (the header and schema), garble the rest.
    randomBytes(bytes.length - 4096).copy(bytes, 4096);
    writeFileSync(dbPath(dataDir), bytes);
    const store = await openStore(dataDir);
    const service = new ConversationService({ store, temporary: new MemoryConversationStore() });
    const error = await service.list().then(
      () => null,
      (e: AppError) => e,
    );
    expect(error).toMatchObject({ code: 'HISTORY_UNAVAILABLE', details: { reason: 'damaged' } });
    expect(store.status()).toMatchObject({ available: false, reason: 'damaged' });
    await store.close();
    expect(readFileSync(dbPath(dataDir)).equals(bytes)).toBe(true);
    expect(existsSync(`${dbPath(dataDir)}.damaged`)).toBe(false);
  });
});
