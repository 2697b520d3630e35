import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlogFilesAmong } from '../../../src/adapters/logs/chatlog-files.js';
import { startLogWriter } from './log-writer-process.js';
import { fileLines, logSettings, tempDir } from './support.js';

const KB = 1024;
/** Spawning a `node` with tsx takes about a second; this only guards against a hang. */
const HANG_GUARD_MS = 300_000;

interface Written {
  writer: string;
  index: number;
  bytes: number;
}

/** Every entry in `dir`'s log files, in file then line order, and what else is in the dir. */
async function readLogs(dir: string): Promise<{ entries: Written[]; files: string[]; others: string[] }> {
  // Oldest first as the log orders them (time, then suffix as a number): a plain name sort would put
  // `T.1.chatlog.jsonl` before `T.chatlog.jsonl` when two files were made in one second.
  const files = chatlogFilesAmong(await readdir(dir)).map((file) => file.name);
  const entries: Written[] = [];
  for (const name of files) {
    for (const line of await fileLines(join(dir, name))) {
      const match = /^(\S+) #(\d+) /.exec(JSON.parse(line).content as string)!;
      entries.push({ writer: match[1]!, index: Number(match[2]), bytes: Buffer.byteLength(line) + 1 });
    }
  }
  const others = (await readdir(dir)).filter((name) => !files.includes(name));
  return { entries, files, others };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const indexesOf = (entries: Written[], writer: string) =>
  entries.filter((entry) => entry.writer === writer).map((entry) => entry.index);

describe('processes sharing a log directory', () => {
  it(
    'keeps every entry of 10 processes started and stopped in turn while they fit the byte budget (log_max_files: 3)',
    async () => {
      const dir = await tempDir();
      const settings = logSettings(dir, { maxFiles: 3, maxFileSizeBytes: 4 * KB });
      for (let run = 0; run < 10; run++) {
        const writer = await startLogWriter(`run${run}`, settings);
        await writer.write(0, 9); // ~1 KB: ten runs stay under the 12 KB budget
        await writer.close();
      }
      const { entries, files, others } = await readLogs(dir);
      for (let run = 0; run < 10; run++) expect(indexesOf(entries, `run${run}`)).toEqual(range(0, 9));
      expect(files.length).toBeLessThanOrEqual(3);
      expect(others).toEqual([]); // no lock left behind
    },
    HANG_GUARD_MS,
  );

  it(
    'keeps the newest entries, none missing between them, when processes in turn write more than the budget',
    async () => {
      const dir = await tempDir();
      const settings = logSettings(dir, { maxFiles: 3, maxFileSizeBytes: 4 * KB });
      const order: string[] = [];
      for (let run = 0; run < 5; run++) {
        const writer = await startLogWriter(`run${run}`, settings);
        await writer.write(0, 30); // ~3 KB each, 15 KB in all
        await writer.close();
        order.push(...range(0, 30).map((index) => `run${run} #${index}`));
      }
      const { entries, files, others } = await readLogs(dir);
      const kept = entries.map((entry) => `${entry.writer} #${entry.index}`);
      expect(kept).toEqual(order.slice(-kept.length));
      // All but the file being filled are (nearly) full: at least two files' worth is kept.
      const keptBytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
      expect(keptBytes).toBeGreaterThan(2 * (4 * KB - 200));
      expect(files.length).toBeLessThanOrEqual(3);
      expect(others).toEqual([]);
    },
    HANG_GUARD_MS,
  );

  it(
    'never loses an entry of a long-running process while others start, write, rotate and stop beside it',
    async () => {
      const dir = await tempDir();
      const settings = logSettings(dir, { maxFiles: 3, maxFileSizeBytes: 4 * KB });
      const app = await startLogWriter('app', settings);
      let next = 0;
      await app.write(next, 4);
      next += 4;
      for (let run = 0; run < 5; run++) {
        const serve = await startLogWriter(`serve${run}`, settings);
        await serve.write(0, 120); // ~12 KB: several rotations, each deleting the oldest files it may
        await app.write(next, 2);
        next += 2;
        await serve.close();
      }
      await app.write(next, 4);
      next += 4;
      await app.close();

      const { entries, others } = await readLogs(dir);
      expect(indexesOf(entries, 'app')).toEqual(range(0, next));
      expect(others).toEqual([]);
    },
    HANG_GUARD_MS,
  );
});
