import { mkdir, readdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listChatlogFiles } from '../../../src/adapters/logs/chatlog-files.js';
import { JsonlChatLog } from '../../../src/adapters/logs/jsonl-chat-log.js';
import { fileLines, logFiles, logSettings, tempDir } from './support.js';

const KB = 1024;
const HOUR_MS = 3_600_000;
const say = (log: JsonlChatLog, content: string) => log.append({ role: 'user', content });
const contents = async (path: string) =>
  (await fileLines(path)).map((line) => JSON.parse(line).content as string);
const line = (content: string) =>
  `${JSON.stringify({ ts: '2026-01-01T00:00:00.000Z', role: 'user', content })}\n`;

/** A log file left by another process, with its `.lock` as proper-lockfile makes it, refreshed `ageMs` ago. */
async function fileOfAnotherProcess(dir: string, name: string, text: string, lockAgeMs: number | null) {
  await writeFile(join(dir, name), text, { mode: 0o600 });
  if (lockAgeMs === null) return;
  await mkdir(join(dir, `${name}.lock`));
  const refreshed = new Date(Date.now() - lockAgeMs);
  await utimes(join(dir, `${name}.lock`), refreshed, refreshed);
}

describe('a log directory shared over time and between processes', () => {
  it('goes on appending to the newest file after a restart and after logging is turned off and on', async () => {
    const dir = await tempDir();
    const first = new JsonlChatLog(logSettings(dir));
    say(first, 'first run');
    await first.close();

    const second = new JsonlChatLog(logSettings(dir));
    say(second, 'second run');
    await second.flush();
    second.configure({ ...logSettings(dir), enabled: false });
    second.configure(logSettings(dir));
    say(second, 'after logging was turned on again');
    await second.close();

    const files = await logFiles(dir);
    expect(files).toHaveLength(1);
    expect(await contents(join(dir, files[0]!))).toEqual([
      'first run',
      'second run',
      'after logging was turned on again',
    ]);
  });

  it('starts a new file when the newest ends inside a line (a crash mid-write), leaving that one as it is', async () => {
    const dir = await tempDir();
    const torn = '2026-01-01T00-00-00.chatlog.jsonl';
    await fileOfAnotherProcess(dir, torn, `${line('whole')}{"ts":"2026-01-01T00:00:01`, null);
    const log = new JsonlChatLog(logSettings(dir));
    say(log, 'new');
    await log.close();
    const files = await logFiles(dir);
    expect(files).toHaveLength(2);
    expect(await contents(join(dir, files.find((name) => name !== torn)!))).toEqual(['new']);
  });

  it('neither appends to nor deletes a file whose lock a live process holds', async () => {
    const dir = await tempDir();
    const held = '2026-01-01T00-00-00.chatlog.jsonl';
    await fileOfAnotherProcess(dir, held, line('of the other process'), -HOUR_MS); // refreshed: not stale
    const log = new JsonlChatLog(logSettings(dir, { maxFiles: 1, maxFileSizeBytes: 200 }));
    for (let i = 0; i < 10; i++) say(log, `rotating ${i} ${'.'.repeat(100)}`);
    await log.close();

    expect(await contents(join(dir, held))).toEqual(['of the other process']);
    expect((await stat(join(dir, `${held}.lock`))).isDirectory()).toBe(true);
    const ours = (await logFiles(dir)).filter((name) => name !== held);
    expect(ours).toHaveLength(1); // our own older files were rotated away
    expect(await contents(join(dir, ours[0]!))).toEqual([`rotating 9 ${'.'.repeat(100)}`]);
  });

  it('takes over the file of a crashed process once its lock is stale, and removes that lock', async () => {
    const dir = await tempDir();
    const crashed = '2026-01-01T00-00-00.chatlog.jsonl';
    await fileOfAnotherProcess(dir, crashed, line('before the crash'), HOUR_MS);
    const log = new JsonlChatLog(logSettings(dir));
    say(log, 'after the crash');
    await log.close();
    expect(await readdir(dir)).toEqual([crashed]);
    expect(await contents(join(dir, crashed))).toEqual(['before the crash', 'after the crash']);
  });

  it('rotates away the files of crashed processes (stale locks) with their locks', async () => {
    const dir = await tempDir();
    for (let i = 0; i < 3; i++)
      await fileOfAnotherProcess(dir, `2026-01-01T00-00-0${i}.chatlog.jsonl`, line('x'.repeat(150)), HOUR_MS);
    const log = new JsonlChatLog(logSettings(dir, { maxFiles: 2, maxFileSizeBytes: 200 }));
    for (let i = 0; i < 3; i++) say(log, `new ${i} ${'.'.repeat(100)}`);
    await log.close();
    const left = await readdir(dir);
    expect(left.filter((name) => name.endsWith('.lock'))).toEqual([]);
    expect(left).toHaveLength(2);
  });

  it('removes the stale lock of a log file that is gone, and leaves a fresh one (a process about to create it)', async () => {
    const dir = await tempDir();
    const lockOf = async (name: string, ageMs: number) => {
      await mkdir(join(dir, `${name}.lock`));
      const refreshed = new Date(Date.now() - ageMs);
      await utimes(join(dir, `${name}.lock`), refreshed, refreshed);
    };
    await lockOf('2026-01-01T00-00-00.chatlog.jsonl', HOUR_MS);
    await lockOf('2026-01-01T00-00-01.chatlog.jsonl', -HOUR_MS);
    const log = new JsonlChatLog(logSettings(dir));
    say(log, 'hello');
    await log.close();
    const left = await readdir(dir);
    expect(left.filter((name) => name.endsWith('.lock'))).toEqual(['2026-01-01T00-00-01.chatlog.jsonl.lock']);
  });

  it('deletes the oldest files only when both the count and the byte budget are exceeded', async () => {
    const dir = await tempDir();
    // Five small files, as processes running side by side leave them: well under 3 × 1 KB.
    for (let i = 0; i < 5; i++)
      await fileOfAnotherProcess(dir, `2026-01-01T00-00-0${i}.chatlog.jsonl`, line(`file ${i}`), null);
    const settings = logSettings(dir, { maxFiles: 3, maxFileSizeBytes: KB });
    const log = new JsonlChatLog(settings);
    say(log, 'small');
    await log.flush();
    expect(await logFiles(dir)).toHaveLength(5);

    // Now past the budget too: the oldest go, down to three files.
    for (let i = 0; i < 30; i++) say(log, `big ${i} ${'.'.repeat(100)}`);
    await log.close();
    const files = await logFiles(dir);
    expect(files).toHaveLength(3);
    expect(files).not.toContain('2026-01-01T00-00-00.chatlog.jsonl');
  });

  it('writes into a new file when its open file was deleted anyway (by a process that takes no lock)', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir));
    say(log, 'before');
    await log.flush();
    const [first] = await logFiles(dir);
    await unlink(join(dir, first!));
    say(log, 'after the deletion');
    await log.flush();
    const files = await logFiles(dir);
    expect(files).toHaveLength(1);
    expect(await contents(join(dir, files[0]!))).toEqual(['after the deletion']);
    expect(log.state().writeError).toBeNull();
    await log.close();
  });

  it('holds a lock on its open file that never counts as a log file, and leaves none behind on close', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir, { maxFiles: 1 }));
    say(log, 'hello');
    await log.flush();
    const [file] = await logFiles(dir);
    expect((await readdir(dir)).sort()).toEqual([file, `${file}.lock`]);
    expect((await listChatlogFiles(dir)).map((found) => found.name)).toEqual([file]);
    expect((await log.recent(10)).map((entry) => entry.content)).toEqual(['hello']);
    await log.close();
    expect(await readdir(dir)).toEqual([file]);
  });
});

describe('the logs folder', () => {
  let savedUmask: number | null = null;
  afterEach(() => {
    if (savedUmask !== null) process.umask(savedUmask);
    savedUmask = null;
  });

  it('is created 0700, with the folders above it, under a umask of 022', async () => {
    savedUmask = process.umask(0o022);
    const base = await tempDir();
    const dir = join(base, 'state', 'LightChat', 'logs');
    const log = new JsonlChatLog(logSettings(dir));
    say(log, 'hello');
    await log.close();
    for (const made of [join(base, 'state'), join(base, 'state', 'LightChat'), dir])
      expect((await stat(made)).mode & 0o777).toBe(0o700);
  });
});
