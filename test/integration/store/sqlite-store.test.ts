import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../../src/adapters/store/open-history.js';
import { LATEST_VERSION, MIGRATIONS } from '../../../src/adapters/store/schema.js';
import { DatabaseSync } from '../../../src/adapters/store/sqlite.js';
import { doneEvent, historyWorld, tempDataDir } from './support.js';

describe('SQLite history store', () => {
  it('keeps conversations, branches and statuses across a restart', async () => {
    const dataDir = tempDataDir();
    const first = await historyWorld(dataDir);
    const one = await first.send({ conversationId: 'new', prompt: 'Hello there\nmore' }, 'Hi!');
    await first.send({ conversationId: one.conversationId, regenerateOf: one.assistantMessageId }, 'Hello!');
    await first.store.close();

    const second = await historyWorld(dataDir);
    const { conversation, messages } = await second.service.get(one.conversationId);
    expect(conversation).toMatchObject({
      title: 'Hello there',
      messageCount: 3,
      providerId: 'p',
      modelId: 'm',
    });
    expect(messages.map((message) => [message.role, message.content, message.status])).toEqual([
      ['user', 'Hello there\nmore', 'done'],
      ['assistant', 'Hello!', 'done'],
    ]);
    expect(messages[1]?.siblingIds).toHaveLength(2);
    expect(messages[1]?.usage).toEqual({ promptTokens: 1, completionTokens: 1 });
  });

  it('keeps a v1 conversation through the upgrade that adds the Think switch, then stores the switch', async () => {
    const dataDir = tempDataDir();
    const v1 = openHistory(dataDir, MIGRATIONS.slice(0, 1));
    if (!v1.ok) throw new Error(v1.status.message);
    v1.db
      .prepare(
        "INSERT INTO conversations (id, title, created_at, updated_at, num_ctx) VALUES ('0190a0a0-0000-7000-8000-000000000001', 'old', 1, 1, 2048)",
      )
      .run();
    v1.db.close();
    const { service, store } = await historyWorld(dataDir);
    const id = '0190a0a0-0000-7000-8000-000000000001';
    expect((await service.get(id)).conversation).toMatchObject({ title: 'old', numCtx: 2048, think: null });
    await service.update(id, { think: false });
    await store.close();
    const reopened = await historyWorld(dataDir);
    expect((await reopened.service.get(id)).conversation).toMatchObject({ title: 'old', think: false });
    await reopened.service.update(id, { think: 'high' });
    expect((await reopened.service.get(id)).conversation.think).toBe('high');
  });

  it('creates lightchat.db with mode 0600, in WAL mode with foreign keys', async () => {
    const { dataDir, service } = await historyWorld();
    await service.create({ title: 'x' });
    const path = join(dataDir, 'lightchat.db');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    const reader = new DatabaseSync(path, { readOnly: true });
    expect(reader.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(reader.prepare('PRAGMA user_version').get()).toEqual({ user_version: LATEST_VERSION });
    reader.close();
  });

  it('keeps the Tools switch of a conversation (null until set), and takes only "auto" or "none"', async () => {
    const dataDir = tempDataDir();
    const first = await historyWorld(dataDir);
    const { conversationId } = await first.send({ conversationId: 'new', prompt: 'Files?' });
    expect((await first.service.get(conversationId)).conversation.tools).toBeUndefined();
    await first.service.update(conversationId, { tools: 'none' });
    await expect(first.service.update(conversationId, { tools: 'sometimes' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await first.store.close();
    const second = await historyWorld(dataDir);
    expect((await second.service.get(conversationId)).conversation.tools).toBe('none');
  });

  it('a database of version 1 gains the Tools column, its conversations kept', async () => {
    const dataDir = tempDataDir();
    const old = openHistory(dataDir, MIGRATIONS.slice(0, 1));
    if (!old.ok) throw new Error(old.status.message);
    old.db
      .prepare('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, 1, 1)')
      .run('0197a000-0000-7000-8000-000000000001', 'from v1');
    old.db.close();
    const world = await historyWorld(dataDir);
    const [conversation] = (await world.service.list()).items;
    expect(conversation).toMatchObject({ title: 'from v1' });
    expect(conversation?.tools).toBeUndefined();
    await world.service.update(conversation!.id, { tools: 'auto' });
    expect((await world.service.get(conversation!.id)).conversation.tools).toBe('auto');
  });

  it('lists pinned conversations first, then the newest, a page at a time', async () => {
    const { service, send } = await historyWorld();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await send({ conversationId: 'new', prompt: `c${i}` })).conversationId);
    await service.update(ids[1] as string, { pinned: true });
    const page1 = await service.list({ limit: 3 });
    expect(page1.items.map((c) => c.title)).toEqual(['c1', 'c4', 'c3']);
    const page2 = await service.list({ limit: 3, cursor: page1.nextCursor });
    expect(page2.items.map((c) => c.title)).toEqual(['c2', 'c0']);
    expect(page2.nextCursor).toBeNull();
    await expect(service.list({ cursor: 'nope' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('refuses a second send while an answer streams, across the worker', async () => {
    const { service, send } = await historyWorld();
    const first = await send({ conversationId: 'new', prompt: 'q' });
    const plan = await service.planTurn({ conversationId: first.conversationId, prompt: 'again' });
    const streaming = await service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} });
    await expect(
      service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} }),
    ).rejects.toMatchObject({
      code: 'CONVERSATION_BUSY',
      details: { conversation_id: first.conversationId },
    });
    await streaming.finish({ type: 'error', errorCode: 'PROVIDER_ERROR', message: 'x', details: {} });
    expect((await service.get(first.conversationId)).messages.at(-1)?.status).toBe('error');
  });

  it('names the conversations whose answer is streaming, until the answer ends', async () => {
    const { service, send } = await historyWorld();
    const first = await send({ conversationId: 'new', prompt: 'q' });
    expect(await service.streaming()).toEqual([]);
    const plan = await service.planTurn({ conversationId: first.conversationId, prompt: 'again' });
    const turn = await service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} });
    expect(await service.streaming()).toEqual([first.conversationId]);
    await turn.finish(doneEvent);
    expect(await service.streaming()).toEqual([]);
  });

  it('deletes a message with what follows, and a whole conversation', async () => {
    const { service, send } = await historyWorld();
    const a = await send({ conversationId: 'new', prompt: 'q1' });
    const b = await send({ conversationId: a.conversationId, prompt: 'q2' });
    await service.deleteMessage(a.conversationId, b.userMessageId as string);
    const { conversation, messages } = await service.get(a.conversationId);
    expect(messages.map((m) => m.content)).toEqual(['q1', 'ok']);
    expect(conversation.messageCount).toBe(2);
    await service.delete(a.conversationId);
    await expect(service.get(a.conversationId)).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
  });
});
