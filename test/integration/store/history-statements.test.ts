import { describe, expect, it } from 'vitest';
import { HistoryDatabase } from '../../../src/adapters/store/history-database.js';
import { openHistory } from '../../../src/adapters/store/open-history.js';
import { OwnerLocks } from '../../../src/adapters/store/owner-locks.js';
import type { SqliteDatabase } from '../../../src/adapters/store/sqlite.js';
import { newConversation, newMessage } from '../../../src/domain/conversation.js';
import { uuidV7 } from '../../../src/domain/ids.js';
import { tempDataDir } from './support.js';

const NOW = '2026-12-01T10:00:00.000Z';

/** The connection, counting the statements prepared on it. */
function counted(db: SqliteDatabase): { db: SqliteDatabase; prepared: () => number } {
  let prepared = 0;
  const wrapped = new Proxy(db, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'prepare') {
        return (sql: string) => {
          prepared += 1;
          return target.prepare(sql);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: wrapped, prepared: () => prepared };
}

/**
 * A turn: the question and a streaming answer, then the answer's end. A new conversation's first
 * (`after` absent), or one in conversation `after.conversationId` after its answer `after.answerId`.
 * Returns the conversation's and the answer's ids.
 */
function sendTurn(
  history: HistoryDatabase,
  prompt: string,
  after?: { conversationId: string; answerId: string | null },
): { conversationId: string; answerId: string } {
  const conversation = newConversation({
    id: after?.conversationId ?? uuidV7(),
    createdAt: NOW,
    updatedAt: NOW,
    providerId: 'p',
    modelId: 'm',
  });
  const userId = uuidV7();
  const answerId = uuidV7();
  const message = { conversationId: conversation.id, createdAt: NOW, updatedAt: NOW };
  const parentId = after?.answerId ?? null;
  history.addTurn({
    conversationId: conversation.id,
    ...(after ? {} : { create: conversation }),
    messages: [
      newMessage({ ...message, id: userId, role: 'user', parentId, content: prompt, status: 'done' }),
      newMessage({ ...message, id: answerId, role: 'assistant', parentId: userId, status: 'streaming' }),
    ],
    currentLeafId: answerId,
    providerId: 'p',
    modelId: 'm',
    title: prompt,
    updatedAt: NOW,
  });
  history.updateMessage(answerId, { content: 'an answer', status: 'done', updatedAt: NOW });
  return { conversationId: conversation.id, answerId };
}

/** What the titles' search index holds, block by block (FTS5 writes new blocks for each change). */
const titleIndex = (db: SqliteDatabase) =>
  db.prepare('SELECT id, block FROM titles_fts_data ORDER BY id').all() as {
    id: number;
    block: Uint8Array;
  }[];

describe("the store's statements", () => {
  it('are prepared once: a send runs them again without preparing them again', () => {
    const dataDir = tempDataDir();
    const opened = openHistory(dataDir);
    if (!opened.ok) throw new Error(opened.status.message);
    const { db, prepared } = counted(opened.db);
    try {
      const history = new HistoryDatabase(db, new OwnerLocks(dataDir, uuidV7()));
      sendTurn(history, 'the first question');
      const afterFirst = prepared();
      expect(afterFirst).toBeGreaterThan(0);
      for (let i = 0; i < 10; i++) sendTurn(history, `question ${i}`);
      expect(prepared()).toBe(afterFirst);
      expect(history.list({ limit: 50, cursor: null }).items).toHaveLength(11);
    } finally {
      opened.db.close();
    }
  });

  it('index a title once: a turn in a conversation that has one leaves its title and its index as they were', () => {
    const dataDir = tempDataDir();
    const opened = openHistory(dataDir);
    if (!opened.ok) throw new Error(opened.status.message);
    try {
      const history = new HistoryDatabase(opened.db, new OwnerLocks(dataDir, uuidV7()));
      const first = sendTurn(history, 'the first question');
      const indexed = titleIndex(opened.db);
      // Each turn offers its question as the title; only a conversation without one takes it.
      const second = sendTurn(history, 'a follow-up', first);
      sendTurn(history, 'another follow-up', second);
      expect(history.get(first.conversationId)?.title).toBe('the first question');
      expect(titleIndex(opened.db)).toEqual(indexed);
      const titleHits = (query: string) =>
        history
          .search(query, 10)
          .filter((hit) => hit.messageId === null)
          .map((hit) => hit.conversationId);
      expect(titleHits('first quest')).toEqual([first.conversationId]);
      expect(titleHits('follow-up')).toEqual([]);
    } finally {
      opened.db.close();
    }
  });

  it('give a conversation created without a title the first turn’s, indexed for search', () => {
    const dataDir = tempDataDir();
    const opened = openHistory(dataDir);
    if (!opened.ok) throw new Error(opened.status.message);
    try {
      const history = new HistoryDatabase(opened.db, new OwnerLocks(dataDir, uuidV7()));
      const conversationId = uuidV7();
      history.create(newConversation({ id: conversationId, createdAt: NOW, updatedAt: NOW }));
      sendTurn(history, 'an untitled start', { conversationId, answerId: null });
      expect(history.get(conversationId)?.title).toBe('an untitled start');
      expect(history.search('untitled', 10).some((hit) => hit.messageId === null)).toBe(true);
    } finally {
      opened.db.close();
    }
  });
});
