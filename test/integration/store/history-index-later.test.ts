import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { HistoryDatabase } from '../../../src/adapters/store/history-database.js';
import { databasePath, openHistory } from '../../../src/adapters/store/open-history.js';
import { OwnerLocks } from '../../../src/adapters/store/owner-locks.js';
import { MIGRATIONS } from '../../../src/adapters/store/schema.js';
import { type NewMessage, newConversation, newMessage } from '../../../src/domain/conversation.js';
import { uuidV7 } from '../../../src/domain/ids.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { doneEvent, historyWorld, tempDataDir } from './support.js';

const NOW = '2026-12-01T10:00:00.000Z';

/** The history database of `dataDir` as the store's worker uses it, on this thread. */
function openDirect(dataDir: string, migrations = MIGRATIONS) {
  const opened = openHistory(dataDir, migrations);
  if (!opened.ok) throw new Error(opened.status.message);
  return { db: opened.db, history: new HistoryDatabase(opened.db, new OwnerLocks(dataDir, uuidV7())) };
}

/** A conversation with a question and an answer that streamed and ended with `answer`. */
function storeAnsweredTurn(history: HistoryDatabase, answer: string) {
  const conversation = newConversation({
    id: uuidV7(),
    createdAt: NOW,
    updatedAt: NOW,
    providerId: 'p',
    modelId: 'm',
  });
  const message = (fields: Pick<NewMessage, 'id' | 'role' | 'parentId' | 'content' | 'status'>): NewMessage =>
    newMessage({ conversationId: conversation.id, createdAt: NOW, updatedAt: NOW, ...fields });
  const userId = uuidV7();
  const answerId = uuidV7();
  history.addTurn({
    conversationId: conversation.id,
    create: conversation,
    messages: [
      message({ id: userId, role: 'user', parentId: null, content: 'a question', status: 'done' }),
      message({ id: answerId, role: 'assistant', parentId: userId, content: '', status: 'streaming' }),
    ],
    currentLeafId: answerId,
    providerId: 'p',
    modelId: 'm',
    updatedAt: NOW,
  });
  history.updateMessage(answerId, { content: answer, status: 'done', updatedAt: NOW });
  return { conversationId: conversation.id, answerId };
}

/**
 * The same turn written as LightChat wrote it before version 4 (today's writer stores columns that
 * schema does not have yet): the answer streams, then its final write indexes it (the trigger).
 */
function storeAnsweredTurnAsBefore(db: DatabaseSync, answer: string): void {
  const [conversationId, userId, answerId] = [uuidV7(), uuidV7(), uuidV7()];
  const at = Date.parse(NOW);
  db.prepare(
    'INSERT INTO conversations (id, created_at, updated_at, current_leaf_id) VALUES (?, ?, ?, ?)',
  ).run(conversationId, at, at, answerId);
  const insert = db.prepare(
    `INSERT INTO messages (id, seq, conversation_id, parent_id, role, content, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  insert.run(userId, 1, conversationId, null, 'user', 'a question', 'done', at, at);
  insert.run(answerId, 2, conversationId, userId, 'assistant', '', 'streaming', at, at);
  db.prepare("UPDATE messages SET content = ?, status = 'done' WHERE id = ?").run(answer, answerId);
}

const indexed = (db: DatabaseSync, word: string): number =>
  Number(
    (
      db.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(`"${word}"`) as {
        n: number;
      }
    ).n,
  );

describe('a finished answer reaches the search index in a transaction of its own', () => {
  it('the final write stores the text and status; the index takes it right after', () => {
    const { db, history } = openDirect(tempDataDir());
    try {
      const { answerId } = storeAnsweredTurn(history, 'the wombat digs');
      // Durable at `done`: text and status are stored, the index has not got it yet.
      expect(db.prepare('SELECT content, status FROM messages WHERE id = ?').get(answerId)).toEqual({
        content: 'the wombat digs',
        status: 'done',
      });
      expect(indexed(db, 'wombat')).toBe(0);
      // The question waits too (stored final, it is indexed the same way since version 5).
      expect(history.indexPending()).toBe(2);
      expect(indexed(db, 'wombat')).toBe(1);
      expect(history.indexPending()).toBe(0);
    } finally {
      db.close();
    }
  });

  it("a turn's question is indexed with its answer, not while the provider is asked for the first token", async () => {
    const { store, service, dataDir } = await historyWorld();
    const waiting = () => {
      const db = new DatabaseSync(databasePath(dataDir), { readOnly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM messages_unindexed').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const plan = await service.planTurn({ conversationId: 'new', prompt: 'a question' });
    const turn = await service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} });
    // One more request: the store's thread would have indexed the question before answering it.
    await store.get(turn.conversationId);
    expect(waiting()).toBe(1);
    turn.append({ type: 'token', text: 'an answer' });
    await turn.finish(doneEvent);
    await waitFor(() => waiting() === 0, 'the question and the answer indexed');
    // (The title, the question's first line, is found too.)
    expect((await store.search('question', 10)).map((hit) => hit.role)).toContain('user');
    expect((await store.search('answer', 10)).map((hit) => hit.role)).toEqual(['assistant']);
  });

  it('a search never misses an answer that ended before it', () => {
    const { db, history } = openDirect(tempDataDir());
    try {
      const { answerId } = storeAnsweredTurn(history, 'a numbat naps');
      expect(history.search('numbat', 10).map((result) => result.messageId)).toEqual([answerId]);
    } finally {
      db.close();
    }
  });

  it('an answer stored just before a crash (not indexed yet) is indexed when history opens again', async () => {
    const dataDir = tempDataDir();
    const { db, history } = openDirect(dataDir);
    const { answerId } = storeAnsweredTurn(history, 'the quokka smiles');
    // The process dies here, between the answer's final write and its indexing: what is on disk is
    // exactly what a kill leaves (each transaction was committed).
    db.close();
    const reader = new DatabaseSync(databasePath(dataDir), { readOnly: true });
    try {
      expect(indexed(reader, 'quokka')).toBe(0);
      const { service } = await historyWorld(dataDir);
      // Indexed at open, before anyone searches.
      await waitFor(() => indexed(reader, 'quokka') === 1, 10_000, 'the answer is indexed at start-up');
      expect((await service.search('quokka')).map((result) => result.messageId)).toEqual([answerId]);
    } finally {
      reader.close();
    }
  });

  it('a history from before (answers indexed by a trigger) is upgraded and its answers stay found', () => {
    const dataDir = tempDataDir();
    // Version 4 moved the indexing out of the final write.
    const old = openDirect(
      dataDir,
      MIGRATIONS.filter((migration) => migration.version < 4),
    );
    storeAnsweredTurnAsBefore(old.db, 'an echidna sleeps');
    expect(indexed(old.db, 'echidna')).toBe(1);
    old.db.close();
    const { db, history } = openDirect(dataDir);
    try {
      expect(indexed(db, 'echidna')).toBe(1);
      storeAnsweredTurn(history, 'an echidna wakes');
      expect(indexed(db, 'echidna')).toBe(1);
      expect(history.search('echidna', 10)).toHaveLength(2);
    } finally {
      db.close();
    }
  });
});

/** Whether the database file itself (not its WAL) holds `word`: a checkpoint has copied it there. */
const inDatabaseFile = (dataDir: string, word: string): boolean =>
  readFileSync(databasePath(dataDir)).includes(word);

describe("a chat's writes leave the WAL's checkpoint to the store's idle time", () => {
  it('the turn and the final write never checkpoint; other writes still do, and checkpoint() copies them', () => {
    const dataDir = tempDataDir();
    const opened = openHistory(dataDir);
    if (!opened.ok) throw new Error(opened.status.message);
    const { db } = opened;
    // Every commit would checkpoint: a write that does shows in the database file at once.
    db.exec('PRAGMA wal_autocheckpoint = 1');
    const history = new HistoryDatabase(db, new OwnerLocks(dataDir, uuidV7()));
    try {
      const { conversationId } = storeAnsweredTurn(history, 'the platypus swims');
      expect(inDatabaseFile(dataDir, 'platypus')).toBe(false);
      // A write no chat waits for (a rename) checkpoints as SQLite does by itself.
      history.update(conversationId, { title: 'a bandicoot title', updatedAt: NOW });
      expect(inDatabaseFile(dataDir, 'bandicoot')).toBe(true);
      expect(inDatabaseFile(dataDir, 'platypus')).toBe(true);
      storeAnsweredTurn(history, 'the dingo howls');
      expect(inDatabaseFile(dataDir, 'dingo')).toBe(false);
      history.checkpoint();
      expect(inDatabaseFile(dataDir, 'dingo')).toBe(true);
    } finally {
      db.close();
    }
  });

  it('once the store is idle after an answer, the answer is indexed and in the database file', async () => {
    const { store, send, dataDir } = await historyWorld();
    await send({ conversationId: 'new', prompt: 'a question' }, 'the wallaby hops');
    await waitFor(() => inDatabaseFile(dataDir, 'wallaby'), "the chat's writes checkpointed once idle");
    expect((await store.search('wallaby', 10)).map((hit) => hit.role)).toEqual(['assistant']);
  });
});
