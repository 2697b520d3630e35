import { describe, expect, it } from 'vitest';
import { HistoryDatabase } from '../../../src/adapters/store/history-database.js';
import { MemoryConversationStore } from '../../../src/adapters/store/memory-conversation-store.js';
import { openHistory } from '../../../src/adapters/store/open-history.js';
import { OwnerLocks } from '../../../src/adapters/store/owner-locks.js';
import { MIGRATIONS } from '../../../src/adapters/store/schema.js';
import type { SqliteDatabase } from '../../../src/adapters/store/sqlite.js';
import type { ConversationStore } from '../../../src/domain/ports/conversation-store.port.js';
import { ConversationService } from '../../../src/domain/services/conversation-service.js';
import { historyWorld, tempDataDir } from './support.js';

const MESSAGES = 2000;
const WINDOW = 40;
const CONVERSATION = '0192aaaa-0000-7000-8000-000000000001';
const uuid = (n: number) => `0192bbbb-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
/** A second answer at place 1998 (a regenerated one): the branch ends on it. */
const VERSION = uuid(MESSAGES);

/** A LightChat export of one linear conversation of `MESSAGES` messages, plus one more version of the last answer. */
function exportFile(): Uint8Array {
  const start = Date.UTC(2026, 0, 1);
  const at = (n: number) => new Date(start + n * 1000).toISOString();
  const messages = Array.from({ length: MESSAGES }, (_, n) => ({
    id: uuid(n),
    parent_id: n === 0 ? null : uuid(n - 1),
    role: n % 2 === 0 ? 'user' : 'assistant',
    content: `Message ${n}. ${'Some words to give it a size. '.repeat(20)}`,
    status: 'done',
    created_at: at(n),
  }));
  messages.push({
    ...messages[MESSAGES - 1],
    id: VERSION,
    content: 'Another answer',
    created_at: at(MESSAGES),
  } as (typeof messages)[0]);
  const file = {
    format: 'lightchat.conversations',
    version: 1,
    conversations: [
      {
        id: CONVERSATION,
        title: 'Long',
        created_at: at(0),
        updated_at: at(MESSAGES),
        current_leaf_id: VERSION,
        messages,
      },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(file));
}

async function* chunks(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Counts what crosses from the store to the service: the items of every list it answers. */
function counted(store: ConversationStore): { store: ConversationStore; rowsRead: () => number } {
  let rows = 0;
  const countOf = (value: unknown): number =>
    Array.isArray(value)
      ? value.length
      : typeof value === 'object' && value !== null && 'messages' in value && Array.isArray(value.messages)
        ? value.messages.length
        : 0;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.then((answer: unknown) => {
          rows += countOf(answer);
          return answer;
        });
      };
    },
  });
  return { store: proxy, rowsRead: () => rows };
}

describe('Opening a long conversation from the store', () => {
  it('reads its latest messages and their versions, not its 2,000-message branch', async () => {
    const world = await historyWorld();
    await world.service.import(chunks(exportFile()));
    const { store, rowsRead } = counted(world.store);
    const service = new ConversationService({ store, temporary: new MemoryConversationStore() });

    const latest = await service.get(CONVERSATION, { last: WINDOW });
    expect(latest.messages.map((message) => message.id)).toEqual([
      ...Array.from({ length: WINDOW - 1 }, (_, n) => uuid(MESSAGES - WINDOW + n)),
      VERSION,
    ]);
    expect(latest.earlier).toBe(MESSAGES - WINDOW);
    expect(latest.messages.at(-1)?.siblingIds).toEqual([uuid(MESSAGES - 1), VERSION]);
    expect(latest.messages[0]?.siblingIds).toEqual([uuid(MESSAGES - WINDOW)]);
    // The window and the conversation's own row: nothing proportional to the branch.
    const messageRowsAllowed = WINDOW + 1;
    expect(rowsRead()).toBeLessThanOrEqual(messageRowsAllowed);

    const before = await service.get(CONVERSATION, { last: WINDOW, before: uuid(100) });
    expect(before.messages.map((message) => message.id)).toEqual(
      Array.from({ length: WINDOW }, (_, n) => uuid(100 - WINDOW + n)),
    );
    expect(before.earlier).toBe(100 - WINDOW);
    const first = await service.get(CONVERSATION, { last: WINDOW, before: uuid(3) });
    expect(first.messages.map((message) => message.id)).toEqual([uuid(0), uuid(1), uuid(2)]);
    expect(first.earlier).toBe(0);
    expect(first.messages[0]?.siblingIds).toEqual([uuid(0)]);
  });

  it('finds the window with index searches only, reading no more rows than it returns', () => {
    const dataDir = tempDataDir();
    const opened = openHistory(dataDir);
    if (!opened.ok) throw new Error(opened.status.message);
    const insert = opened.db.prepare(
      `INSERT INTO messages (id, conversation_id, seq, parent_id, role, content, status, created_at, updated_at, depth)
       VALUES (?, ?, ?, ?, 'user', 'text', 'done', 0, 0, ?)`,
    );
    opened.db
      .prepare('INSERT INTO conversations (id, created_at, updated_at) VALUES (?, 0, 0)')
      .run(CONVERSATION);
    for (let n = 0; n < MESSAGES; n++)
      insert.run(uuid(n), CONVERSATION, n + 1, n === 0 ? null : uuid(n - 1), n);
    const { db, plans, rows } = watched(opened.db);
    const history = new HistoryDatabase(db, new OwnerLocks(dataDir, 'test'));

    const end = history.branchEnd(CONVERSATION, { leafId: uuid(MESSAGES - 1), last: WINDOW });
    expect(end?.messages).toHaveLength(WINDOW);
    expect(end?.earlier).toBe(MESSAGES - WINDOW);
    expect(rows()).toBeLessThanOrEqual(2 * WINDOW);
    // Each read of the messages table goes straight to its rows: by id, or by parent (its versions).
    const reads = plans().filter((step) => /\bmessages\b/.test(step));
    expect(reads.length).toBeGreaterThan(0);
    const direct =
      /USING (COVERING )?INDEX (\w+ \(id=\?\)|messages_children \(conversation_id=\? AND parent_id=\?\))/;
    expect(reads.filter((step) => !direct.test(step))).toEqual([]);
    opened.db.close();
  });

  it('gives the messages stored before the upgrade their depth on the branch', async () => {
    const dataDir = tempDataDir();
    const v4 = openHistory(dataDir, MIGRATIONS.slice(0, 4));
    if (!v4.ok) throw new Error(v4.status.message);
    v4.db
      .prepare('INSERT INTO conversations (id, created_at, updated_at, current_leaf_id) VALUES (?, 0, 0, ?)')
      .run(CONVERSATION, uuid(5));
    const insert = v4.db.prepare(
      `INSERT INTO messages (id, conversation_id, seq, parent_id, role, content, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'user', 'text', 'done', 0, 0)`,
    );
    // 0 ← 1 ← 2 ← 3 and 1 ← 4 ← 5: two versions at place 2.
    for (const [n, parent] of [
      [0, null],
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 1],
      [5, 4],
    ] as const) {
      insert.run(uuid(n), CONVERSATION, n + 1, parent === null ? null : uuid(parent));
    }
    v4.db.close();

    const { service } = await historyWorld(dataDir);
    const end = await service.get(CONVERSATION, { last: 2 });
    expect(end.messages.map((message) => message.id)).toEqual([uuid(4), uuid(5)]);
    expect(end.earlier).toBe(2);
    expect(end.messages[0]?.siblingIds).toEqual([uuid(2), uuid(4)]);
  });
});

/** `db`, recording every statement's query plan and the rows its statements answer. */
function watched(db: SqliteDatabase) {
  const steps: string[] = [];
  let count = 0;
  const proxy = new Proxy(db, {
    get(target, property) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (sql: string) => {
        const statement = target.prepare(sql);
        const explain = (args: unknown[]) => {
          const plan = target.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(args as [])) as {
            detail: string;
          }[];
          steps.push(...plan.map((step) => step.detail));
        };
        return {
          all: (...args: unknown[]) => {
            explain(args);
            const result = statement.all(...(args as []));
            count += result.length;
            return result;
          },
          get: (...args: unknown[]) => {
            explain(args);
            const result = statement.get(...(args as []));
            if (result !== undefined) count += 1;
            return result;
          },
        };
      };
    },
  }) as SqliteDatabase;
  return { db: proxy, plans: () => steps, rows: () => count };
}
