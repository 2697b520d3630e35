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

/** A new conversation's first turn: the question and a streaming answer, then the answer's end. */
function sendTurn(history: HistoryDatabase, prompt: string): void {
  const conversation = newConversation({
    id: uuidV7(),
    createdAt: NOW,
    updatedAt: NOW,
    providerId: 'p',
    modelId: 'm',
  });
  const userId = uuidV7();
  const answerId = uuidV7();
  const message = { conversationId: conversation.id, createdAt: NOW, updatedAt: NOW };
  history.addTurn({
    conversationId: conversation.id,
    create: conversation,
    messages: [
      newMessage({ ...message, id: userId, role: 'user', parentId: null, content: prompt, status: 'done' }),
      newMessage({ ...message, id: answerId, role: 'assistant', parentId: userId, status: 'streaming' }),
    ],
    currentLeafId: answerId,
    providerId: 'p',
    modelId: 'm',
    title: prompt,
    updatedAt: NOW,
  });
  history.updateMessage(answerId, { content: 'an answer', status: 'done', updatedAt: NOW });
}

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
});
