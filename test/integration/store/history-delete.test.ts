import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseSync } from '../../../src/adapters/store/sqlite.js';
import { doneEvent, historyWorld } from './support.js';

const WORD = 'qzxjvkwplm';
const trigrams = Array.from({ length: WORD.length - 2 }, (_, index) => WORD.slice(index, index + 3));

/** Every place deleted text could hide: the database file, its WAL, and the search index's terms. */
function traces(dataDir: string): { file: boolean; wal: boolean; vocab: string[] } {
  const path = join(dataDir, 'lightchat.db');
  const holds = (file: string) => existsSync(file) && readFileSync(file).includes(WORD);
  const db = new DatabaseSync(path, { readOnly: true });
  db.exec('CREATE VIRTUAL TABLE temp.messages_vocab USING fts5vocab(main, messages_fts, row)');
  db.exec('CREATE VIRTUAL TABLE temp.titles_vocab USING fts5vocab(main, titles_fts, row)');
  const vocab = ['messages_vocab', 'titles_vocab'].flatMap((table) =>
    (
      db
        .prepare(`SELECT term FROM temp.${table} WHERE term IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(trigrams)) as { term: string }[]
    ).map((row) => row.term),
  );
  db.close();
  return { file: holds(path), wal: holds(`${path}-wal`), vocab };
}

describe('delete for real', () => {
  it('leaves no trace of a deleted conversation in the file, the WAL or the search index', async () => {
    const { dataDir, service, send } = await historyWorld();
    await send({ conversationId: 'new', prompt: 'an unrelated conversation that stays' }, 'it stays');
    const secret = await send(
      { conversationId: 'new', prompt: `my secret word is ${WORD}` },
      `noted: ${WORD}`,
    );
    // Several versions of a page in the WAL: a streamed answer written twice, then finished.
    const plan = await service.planTurn({ conversationId: secret.conversationId, prompt: `again ${WORD}` });
    const turn = await service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} });
    turn.append({ type: 'token', text: `${WORD} once` });
    await turn.finish(doneEvent);
    expect(await service.search(WORD)).not.toEqual([]);
    const before = traces(dataDir);
    expect(before.file || before.wal).toBe(true);
    expect(before.vocab.length).toBeGreaterThan(0);

    await service.delete(secret.conversationId);

    expect(traces(dataDir)).toEqual({ file: false, wal: false, vocab: [] });
    expect((await service.list()).items.map((c) => c.title)).toEqual([
      'an unrelated conversation that stays',
    ]);
  });

  it('deleting one message with what follows removes its text too', async () => {
    const { dataDir, service, send } = await historyWorld();
    const first = await send({ conversationId: 'new', prompt: 'keep this question' }, 'keep this answer');
    const second = await send(
      { conversationId: first.conversationId, prompt: `forget ${WORD}` },
      `forgotten ${WORD}`,
    );
    await service.deleteMessage(first.conversationId, second.userMessageId as string);
    expect(traces(dataDir)).toEqual({ file: false, wal: false, vocab: [] });
    expect((await service.get(first.conversationId)).messages.map((m) => m.content)).toEqual([
      'keep this question',
      'keep this answer',
    ]);
  });
});
