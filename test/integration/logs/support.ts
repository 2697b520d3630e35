import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { ChatLogSettings } from '../../../src/domain/ports/chat-log.port.js';

const made: string[] = [];

/** A fresh temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lightchat-logs-'));
  made.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export const logSettings = (dir: string, extra: Partial<ChatLogSettings> = {}): ChatLogSettings => ({
  enabled: true,
  dir,
  maxFiles: 5,
  maxFileSizeBytes: 10 * 1024 * 1024,
  ...extra,
});

/** The log files in `dir`, sorted by name (which is creation order within one second only). */
export async function logFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.chatlog.jsonl')).sort();
}

/** Every line of a file, including a possible torn last one (a final newline gives no empty line). */
export async function fileLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  expectEndsWithNewline(text);
  return text.split('\n').slice(0, -1);
}

function expectEndsWithNewline(text: string): void {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('a log file ends inside a line');
}
