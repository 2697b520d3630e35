import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlChatLog } from '../../../src/adapters/logs/jsonl-chat-log.js';
import { fileLines, logFiles, logSettings, tempDir } from './support.js';

const KB = 1024;
const FILE_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(\.\d+)?\.chatlog\.jsonl$/;
const fixedClock = (iso: string) => () => new Date(iso);
const say = (log: JsonlChatLog, content: string) => log.append({ role: 'user', content });

describe('JSONL log files', () => {
  it('names a file after its UTC creation second, created on the first write only, private to the user', async () => {
    const dir = join(await tempDir(), 'logs');
    const log = new JsonlChatLog({ ...logSettings(dir), enabled: false });
    log.configure(logSettings(dir));
    await log.flush();
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' }); // nothing before a real write

    const before = new Date();
    say(log, 'hello');
    await log.flush();
    const after = new Date();
    const [name, ...others] = await logFiles(dir);
    expect(others).toEqual([]);
    expect(name).toMatch(FILE_NAME);
    const stamp = name!.slice(0, 19).replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3Z');
    expect(Date.parse(stamp)).toBeGreaterThanOrEqual(Math.floor(before.getTime() / 1000) * 1000);
    expect(Date.parse(stamp)).toBeLessThanOrEqual(after.getTime());
    expect((await stat(join(dir, name!))).mode & 0o777).toBe(0o600);
    await log.close();
  });

  it('rotates by size and count under a burst: no split line, no file over the limit, the newest kept', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir, { maxFiles: 3, maxFileSizeBytes: 64 * KB }));
    for (let i = 0; i < 20_000; i++) {
      log.append({ role: 'assistant', content: `answer #${i} ${'x'.repeat(i % 97)}`, eventType: 'burst' });
    }
    await log.close();

    const files = await logFiles(dir);
    expect(files).toHaveLength(3);
    const numbers: number[] = [];
    for (const name of files) {
      expect(name).toMatch(FILE_NAME);
      expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(64 * KB);
      for (const line of await fileLines(join(dir, name))) {
        const entry = JSON.parse(line) as { content: string };
        numbers.push(Number(/#(\d+)/.exec(entry.content)![1]));
      }
    }
    numbers.sort((a, b) => a - b);
    // The kept lines are the newest ones, with none missing in between.
    expect(numbers.at(-1)).toBe(19_999);
    expect(numbers).toEqual(numbers.map((_, index) => numbers[0]! + index));
    expect(numbers.length).toBeGreaterThan(1000);
  });

  it('gives a second file in the same second `.1`, `.2`, … before `.chatlog`', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir, { maxFiles: 10, maxFileSizeBytes: 200 }), {
      now: fixedClock('2026-03-01T10:20:30.456Z'),
    });
    for (let i = 0; i < 3; i++)
      say(log, `a line long enough to fill most of a 200-byte file, number ${i} ${'.'.repeat(80)}`);
    await log.close();
    expect(await logFiles(dir)).toEqual([
      '2026-03-01T10-20-30.1.chatlog.jsonl',
      '2026-03-01T10-20-30.2.chatlog.jsonl',
      '2026-03-01T10-20-30.chatlog.jsonl',
    ]);
  });

  it('keeps the newest files by time then suffix as a number (.10 is newer than .9)', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir, { maxFiles: 3, maxFileSizeBytes: 100 }), {
      now: fixedClock('2026-03-01T10:20:30Z'),
    });
    for (let i = 0; i < 12; i++) say(log, `line ${i} ${'-'.repeat(60)}`);
    await log.close();
    expect(await logFiles(dir)).toEqual([
      '2026-03-01T10-20-30.10.chatlog.jsonl',
      '2026-03-01T10-20-30.11.chatlog.jsonl',
      '2026-03-01T10-20-30.9.chatlog.jsonl',
    ]);
    const last = await fileLines(join(dir, '2026-03-01T10-20-30.11.chatlog.jsonl'));
    expect(JSON.parse(last.at(-1)!).content).toMatch(/^line 11 /);
  });

  it('never lets two logs sharing a directory write into one file', async () => {
    const dir = await tempDir();
    const sameSecond = fixedClock('2026-03-01T10:20:30Z');
    const limits = { maxFiles: 1000, maxFileSizeBytes: 2 * KB };
    const first = new JsonlChatLog(logSettings(dir, limits), { now: sameSecond });
    const second = new JsonlChatLog(logSettings(dir, limits), { now: sameSecond });
    for (let i = 0; i < 500; i++) {
      say(first, `from first ${i}`);
      say(second, `from second ${i}`);
    }
    await Promise.all([first.close(), second.close()]);

    const files = await logFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    let total = 0;
    for (const name of files) {
      const writers = new Set(
        (await fileLines(join(dir, name))).map((line) => JSON.parse(line).content.split(' ')[1]),
      );
      expect(writers.size).toBe(1);
      total += (await fileLines(join(dir, name))).length;
    }
    expect(total).toBe(1000);
  });

  it('writes a line longer than the size limit whole, alone in its own file', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir, { maxFileSizeBytes: 100 }));
    say(log, 'short');
    say(log, 'y'.repeat(500));
    say(log, 'after');
    await log.close();
    const contents = [];
    for (const name of await logFiles(dir)) {
      contents.push((await fileLines(join(dir, name))).map((line) => JSON.parse(line).content));
    }
    expect(contents.flat().sort()).toEqual(['after', 'short', 'y'.repeat(500)].sort());
    expect(contents.find((lines) => lines.includes('y'.repeat(500)))).toHaveLength(1);
  });

  it('moves to a new directory at the next line after `configure`', async () => {
    const [oldDir, newDir] = [await tempDir(), await tempDir()];
    const log = new JsonlChatLog(logSettings(oldDir));
    say(log, 'in the old dir');
    await log.flush();
    log.configure(logSettings(newDir));
    say(log, 'in the new dir');
    await log.close();
    const [oldFile] = await logFiles(oldDir);
    const [newFile] = await logFiles(newDir);
    expect((await fileLines(join(oldDir, oldFile!))).map((line) => JSON.parse(line).content)).toEqual([
      'in the old dir',
    ]);
    expect((await fileLines(join(newDir, newFile!))).map((line) => JSON.parse(line).content)).toEqual([
      'in the new dir',
    ]);
  });
});
