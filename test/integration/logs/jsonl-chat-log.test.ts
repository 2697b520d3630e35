import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonlChatLog } from '../../../src/adapters/logs/jsonl-chat-log.js';
import { WRITE_DELAY_MS } from '../../../src/adapters/logs/rotating-file.js';
import type { LogEntry } from '../../../src/domain/log-entry.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { fileLines, logFiles, logSettings, tempDir } from './support.js';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function allLines(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const name of await logFiles(dir)) lines.push(...(await fileLines(join(dir, name))));
  return lines;
}

describe('JSONL log lines', () => {
  it('holds exactly the seed fields, in order, with details passed through unchanged', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir));
    const details = { request_id: 'r1', ttft_ms: 12, nestedCamel: { keepMe: [1, { snake_key: true }] } };
    log.append({
      details,
      eventType: 'chat_done',
      modelId: 'llama3.2',
      providerId: 'ollama_local',
      content: 'Hello!',
      role: 'assistant',
    });
    log.append({ role: 'user', content: 'Hi' });
    await log.close();

    const [full, minimal, ...rest] = (await allLines(dir)).map((line) => JSON.parse(line));
    expect(rest).toEqual([]);
    expect(Object.keys(full)).toEqual([
      'ts',
      'role',
      'content',
      'provider_id',
      'model_id',
      'event_type',
      'details',
    ]);
    expect(full).toMatchObject({ role: 'assistant', content: 'Hello!', provider_id: 'ollama_local' });
    expect(full.ts).toMatch(ISO_MS);
    expect(full.details).toEqual(details);
    expect(Object.keys(minimal)).toEqual(['ts', 'role', 'content']);
  });

  it('writes every line as valid JSON, whatever the content holds', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir));
    const awkward = [
      'line\nbreak',
      'quote " and \\ backslash',
      'tab\t\u0001ctl',
      'emoji 🦙 ünïcødé',
      'lone \uD800 half',
      '',
    ];
    for (const content of awkward) log.append({ role: 'user', content, details: { content } });
    await log.close();
    const lines = await allLines(dir);
    // A lone surrogate is not Unicode: pino writes it raw, so it reaches the UTF-8 file as U+FFFD (inside
    // `details`, JSON.stringify escapes it as \ud800 instead). Either way the line stays valid JSON.
    const asStored = awkward.map((text) => text.replace('\uD800', '\uFFFD'));
    expect(lines.map((line) => JSON.parse(line).content)).toEqual(asStored);
    expect(lines.map((line) => JSON.parse(line).details)).toEqual(awkward.map((content) => ({ content })));
  });

  it('never writes an API key, a bearer token or URL credentials', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir));
    const secrets = [
      'sk-proj-Abc123def456ghi789JKL',
      'gsk_abcdefghijklmnopqrstuv',
      'tok3n.value-xyz',
      'hunter2',
    ];
    log.append({ role: 'user', content: `my key is ${secrets[0]}, please keep it` });
    log.append({
      role: 'error',
      content: `Request failed: Authorization: Bearer ${secrets[2]}`,
      details: {
        api_key: 'anything-at-all',
        proxy: `http://bob:${secrets[3]}@proxy.local:8080`,
        nested: [secrets[1]],
      },
    });
    await log.close();
    const text = (await allLines(dir)).join('\n');
    for (const secret of [...secrets, 'anything-at-all']) expect(text).not.toContain(secret);
    expect(text).toContain('my key is [REDACTED], please keep it');
    expect(text).toContain('Bearer [REDACTED]');
    expect(text).toContain('http://[REDACTED]@proxy.local:8080');
    const shown = JSON.stringify(await log.recent(10));
    for (const secret of secrets) expect(shown).not.toContain(secret);
  });
});

describe('JSONL log when logging is off', () => {
  it('writes nothing to disk (logging_enabled: false or --no-log), yet shows the run in memory', async () => {
    const dir = join(await tempDir(), 'logs');
    const log = new JsonlChatLog(logSettings(dir, { enabled: false }));
    log.append({ role: 'user', content: 'not for the disk' });
    await log.flush();
    expect(log.state()).toMatchObject({ enabled: false, writeError: null, dir });
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await log.recent(10)).map((entry) => entry.content)).toEqual(['not for the disk']);
    await log.close();
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops writing at once when turned off by configure', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir));
    log.append({ role: 'user', content: 'written' });
    await log.flush();
    log.append({ role: 'user', content: 'appended in the same tick as the switch' });
    log.configure(logSettings(dir, { enabled: false }));
    log.append({ role: 'user', content: 'kept in memory' });
    await log.close();
    expect((await allLines(dir)).map((line) => JSON.parse(line).content)).toEqual(['written']);
    expect((await log.recent(10)).map((entry) => entry.content)).toEqual([
      'written',
      'appended in the same tick as the switch',
      'kept in memory',
    ]);
  });

  it('follows the settings file read at start-up: the "settings applied" entry obeys them', async () => {
    // As createLightChat runs: defaults first, then the file's settings, applied right after the entry.
    const [defaultDir, fileDir] = [join(await tempDir(), 'default'), join(await tempDir(), 'from-file')];
    const off = new JsonlChatLog(logSettings(defaultDir));
    off.append({ role: 'system', content: 'Settings applied', eventType: 'config_loaded' });
    off.configure(logSettings(defaultDir, { enabled: false }));
    await off.close();
    await expect(readdir(defaultDir)).rejects.toMatchObject({ code: 'ENOENT' });

    const moved = new JsonlChatLog(logSettings(defaultDir));
    moved.append({ role: 'system', content: 'Settings applied', eventType: 'config_loaded' });
    moved.configure(logSettings(fileDir));
    await moved.close();
    await expect(readdir(defaultDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await allLines(fileDir)).map((line) => JSON.parse(line).event_type)).toEqual(['config_loaded']);
  });
});

describe('JSONL log recent()', () => {
  it('reads the newest entries across files and runs, oldest first, including unflushed ones', async () => {
    const dir = await tempDir();
    const earlier = new JsonlChatLog(logSettings(dir, { maxFiles: 50, maxFileSizeBytes: 1024 }));
    for (let i = 0; i < 60; i++) earlier.append({ role: 'user', content: `earlier ${i}` });
    await earlier.close();
    expect((await logFiles(dir)).length).toBeGreaterThan(3);

    const log = new JsonlChatLog(logSettings(dir, { maxFiles: 50, maxFileSizeBytes: 1024 }));
    log.append({ role: 'assistant', content: 'just now', providerId: 'p', details: { request_id: 'r' } });
    const recent = await log.recent(25); // no flush before: the log's own queue counts
    expect(recent).toHaveLength(25);
    expect(recent.map((entry) => entry.content)).toEqual([
      ...Array.from({ length: 24 }, (_, i) => `earlier ${36 + i}`),
      'just now',
    ]);
    expect(recent.at(-1)).toEqual<LogEntry>({
      ts: expect.stringMatching(ISO_MS),
      role: 'assistant',
      content: 'just now',
      providerId: 'p',
      details: { request_id: 'r' },
    });
    expect(await log.recent(1000)).toHaveLength(61);
    expect(await log.recent(0)).toEqual([]);
    await log.close();
  });

  it('skips lines that are not log entries (torn by a crash, foreign, hand-edited) and files that are not logs', async () => {
    const dir = await tempDir();
    const crashed = [
      '{"ts":"2020-01-01T00:00:00.000Z","role":"user","content":"from a crashed run"}',
      'not json',
      '{"ts":"2020-01-01T00:00:01.000Z","role":"robot","content":"bad role"}',
      '{"ts":"2020-01-01T00:00:02.000Z","role":"user","content":"extra field","pid":1}',
      '{"ts":"2020-01-01T00:00:0',
    ].join('\n');
    await writeFile(join(dir, '2020-01-01T00-00-00.chatlog.jsonl'), crashed);
    await writeFile(
      join(dir, 'notes.txt'),
      '{"ts":"2026-01-01T00:00:00.000Z","role":"user","content":"not a log"}\n',
    );
    const log = new JsonlChatLog(logSettings(dir));
    log.append({ role: 'user', content: 'this run' });
    expect((await log.recent(10)).map((entry) => entry.content)).toEqual(['from a crashed run', 'this run']);
    await log.close();
  });
});

describe('JSONL log tail()', () => {
  it('yields new entries as they are appended and ends when aborted', async () => {
    const log = new JsonlChatLog(logSettings(await tempDir()));
    log.append({ role: 'system', content: 'before the tail' });
    const controller = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const entry of log.tail(controller.signal)) {
        seen.push(entry.content);
        if (seen.length === 2) setTimeout(() => controller.abort(), 0);
      }
    })();
    log.append({ role: 'user', content: 'one' });
    await waitFor(() => seen.length === 1, 'the tail yields the first entry');
    log.append({ role: 'assistant', content: 'two', modelId: 'm' });
    await reading; // ends: the abort finishes the iteration
    log.append({ role: 'user', content: 'after the abort' });
    expect(seen).toEqual(['one', 'two']);
    await log.close();
  });

  it('ends every tail when the log closes', async () => {
    const log = new JsonlChatLog(logSettings(await tempDir()));
    const reading = (async () => {
      const seen: string[] = [];
      for await (const entry of log.tail(new AbortController().signal)) seen.push(entry.content);
      return seen;
    })();
    log.append({ role: 'user', content: 'last' });
    await log.close();
    expect(await reading).toEqual(['last']);
    const afterClose = [];
    for await (const entry of log.tail(new AbortController().signal)) afterClose.push(entry);
    expect(afterClose).toEqual([]);
  });
});

describe('JSONL log when the disk fails', () => {
  it('never throws, reports the failure once, keeps entries in memory and retries on later appends', async () => {
    const root = await tempDir();
    const blocker = join(root, 'not-a-dir');
    await writeFile(blocker, 'a file where the log dir should be');
    const dir = join(blocker, 'logs'); // mkdir fails with ENOTDIR, even for root
    const log = new JsonlChatLog(logSettings(dir));

    expect(() => log.append({ role: 'user', content: 'lost on disk 1' })).not.toThrow();
    await log.flush();
    log.append({ role: 'user', content: 'lost on disk 2' });
    await log.flush();
    expect(log.state().writeError).toMatch(/ENOTDIR/);
    const during = await log.recent(10);
    expect(during.filter((entry) => entry.role === 'error')).toHaveLength(1);
    expect(during.find((entry) => entry.role === 'error')).toMatchObject({ eventType: 'log_write_failed' });
    expect(during.filter((entry) => entry.role === 'user').map((entry) => entry.content)).toEqual([
      'lost on disk 1',
      'lost on disk 2',
    ]);

    await rm(blocker);
    await mkdir(blocker);
    log.append({ role: 'user', content: 'written again' });
    await log.flush();
    expect(log.state().writeError).toBeNull();
    await log.flush(); // the recovery entry itself
    const onDisk = (await allLines(dir)).map((line) => JSON.parse(line));
    expect(onDisk.map((entry) => entry.content)).toContain('written again');
    expect(onDisk.map((entry) => entry.event_type)).toContain('log_write_recovered');
    expect((await log.recent(10)).map((entry) => entry.content)).toEqual(
      expect.arrayContaining(['lost on disk 1', 'lost on disk 2', 'written again']),
    );
    await log.close();
  });

  it('reports a failure that starts mid-run, when the directory becomes unusable', async () => {
    const root = await tempDir();
    const dir = join(root, 'logs');
    const log = new JsonlChatLog(logSettings(dir));
    log.append({ role: 'user', content: 'ok' });
    await log.flush();
    await rm(dir, { recursive: true });
    await writeFile(dir, 'now a file'); // the open file is gone, and no new one can be made
    log.configure(logSettings(join(dir, 'sub')));
    log.append({ role: 'user', content: 'fails' });
    await log.flush();
    expect(log.state().writeError).toMatch(/ENOTDIR|EEXIST/);
    expect(await readFile(dir, 'utf8')).toBe('now a file');
    await log.close();
  });
});

// How fast appends are is a figure of `npm run bench` (the relay row with logging on and off); here
// only what a burst must not do: lose, reorder or tear an entry.
describe('JSONL log under a burst', () => {
  it('keeps 20,000 appends made in one synchronous burst, each whole and in order', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir, { maxFileSizeBytes: 64 * 1024 * 1024 }));
    for (let i = 0; i < 20_000; i++) {
      log.append({ role: 'assistant', content: `token ${i}`, providerId: 'p', modelId: 'm', details: { i } });
    }
    await log.close();
    const lines = await allLines(dir);
    expect(lines).toHaveLength(20_000);
    const order = lines.map((line) => (JSON.parse(line) as { details: { i: number } }).details.i);
    expect(order.every((i, at) => i === at)).toBe(true);
  });
});

// A chat's `user` entry is appended as its provider request leaves; a disk write then (a thread-pool
// round trip, a file check, wake-ups) competed with the provider for the first token (bench row 2).
describe('JSONL log on its way to disk', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('writes entries of separate ticks together once the short wait is over, not one write per tick', async () => {
    const dir = await tempDir();
    const probe = await open(join(dir, 'probe'), 'w');
    const handles = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => unknown };
    await probe.close();
    const write = vi.spyOn(handles, 'write');
    // Only the wait is faked: ticks (setImmediate) and the disk are real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const log = new JsonlChatLog(logSettings(dir));
    const nextTick = () => new Promise((resolve) => setImmediate(resolve));
    log.append({ role: 'user', content: 'the question' });
    await nextTick();
    await nextTick();
    log.append({ role: 'assistant', content: 'the answer' });
    await nextTick();
    expect(write).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(WRITE_DELAY_MS);
    await log.flush();
    expect(write).toHaveBeenCalledTimes(1);
    expect((await allLines(dir)).map((line) => JSON.parse(line).content)).toEqual([
      'the question',
      'the answer',
    ]);
    await log.close();
  });

  it('still drops only the entries of the very tick logging is turned off in', async () => {
    const dir = await tempDir();
    const log = new JsonlChatLog(logSettings(dir));
    log.append({ role: 'user', content: 'before' });
    await new Promise((resolve) => setImmediate(resolve));
    log.append({ role: 'system', content: 'settings applied' });
    log.configure(logSettings(dir, { enabled: false }));
    await log.flush();
    expect((await allLines(dir)).map((line) => JSON.parse(line).content)).toEqual(['before']);
    await log.close();
  });
});
