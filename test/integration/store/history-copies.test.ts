import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { damageAfter, quickCheck, removeHistoryCopies } from '../../../src/adapters/store/health-check.js';
import { DatabaseSync } from '../../../src/adapters/store/sqlite.js';
import { historyWorld, tempDataDir } from './support.js';

const dbPath = (dataDir: string) => join(dataDir, 'lightchat.db');

describe('"Delete all history" takes the copies with it (CONTRACT section 10)', () => {
  it('removes the pre-v snapshots and damaged copies, and nothing else', async () => {
    const world = await historyWorld();
    await world.send({ conversationId: 'new', prompt: 'secret word zebrafish' });
    const copies = [
      'lightchat.db.pre-v2',
      'lightchat.db.pre-v3',
      'lightchat.db.damaged-2026-12-01T10-00-00-000Z',
      'lightchat.db.damaged-2026-12-01T10-00-00-000Z-wal',
    ];
    for (const name of copies) writeFileSync(join(world.dataDir, name), 'zebrafish');
    writeFileSync(join(world.dataDir, 'notes.txt'), 'mine');

    await world.service.deleteAll();

    const left = readdirSync(world.dataDir);
    for (const name of copies) expect(left).not.toContain(name);
    expect(left).toContain('notes.txt');
    expect(left).toContain('lightchat.db');
    expect((await world.service.list()).items).toEqual([]);
  });

  it('removeHistoryCopies names what it removed and leaves other databases alone', () => {
    const dir = tempDataDir();
    writeFileSync(join(dir, 'lightchat.db'), '');
    writeFileSync(join(dir, 'lightchat.db.pre-v4'), '');
    writeFileSync(join(dir, 'other.db.pre-v4'), '');
    expect(removeHistoryCopies(dbPath(dir))).toEqual(['lightchat.db.pre-v4']);
    expect(existsSync(join(dir, 'other.db.pre-v4'))).toBe(true);
  });
});

describe('PRAGMA quick_check after an error, not at open', () => {
  /** A closed v1 database with some rows, whose pages after the first are then garbled. */
  async function garbled() {
    const world = await historyWorld();
    for (let i = 0; i < 20; i++) await world.send({ conversationId: 'new', prompt: `row ${i} `.repeat(200) });
    await world.store.close();
    const bytes = readFileSync(dbPath(world.dataDir));
    randomBytes(bytes.length - 4096).copy(bytes, 4096);
    writeFileSync(dbPath(world.dataDir), bytes);
    return world.dataDir;
  }

  const ioError = Object.assign(new Error('disk I/O error'), { errcode: 10 });
  const busy = Object.assign(new Error('database is locked'), { errcode: 5 });

  it('finds a damaged file after an unexplained error, and says nothing after a busy one', async () => {
    const db = new DatabaseSync(dbPath(await garbled()));
    try {
      expect(damageAfter(db, busy)).toBeNull();
      expect(damageAfter(db, ioError)).toMatch(/malformed|quick_check|corrupt/i);
    } finally {
      db.close();
    }
  });

  it('a whole file passes the check after the same error', async () => {
    const world = await historyWorld();
    await world.send({ conversationId: 'new', prompt: 'fine' });
    await world.store.close();
    const db = new DatabaseSync(dbPath(world.dataDir));
    try {
      expect(quickCheck(db)).toBeNull();
      expect(damageAfter(db, ioError)).toBeNull();
    } finally {
      db.close();
    }
  });
});
