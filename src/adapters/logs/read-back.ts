import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { toCamelKeys } from '../../domain/casing.js';
import { type LogEntry, logEntrySchema } from '../../domain/log-entry.js';
import { listChatlogFiles } from './chatlog-files.js';

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/** A file's lines, last first, read backwards in chunks so a 10 MB file costs what the caller reads. */
export async function* linesFromEnd(path: string): AsyncGenerator<string> {
  const handle = await open(path, 'r');
  try {
    let position = (await handle.stat()).size;
    let rest = Buffer.alloc(0);
    while (position > 0) {
      const size = Math.min(CHUNK_BYTES, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      await handle.read(chunk, 0, size, position);
      // Split on bytes, not characters: a chunk may start inside a multi-byte character.
      const buffer = Buffer.concat([chunk, rest]);
      let end = buffer.length;
      let newline = end > 0 ? buffer.lastIndexOf(NEWLINE, end - 1) : -1;
      while (newline >= 0) {
        if (end > newline + 1) yield buffer.toString('utf8', newline + 1, end);
        end = newline;
        newline = end > 0 ? buffer.lastIndexOf(NEWLINE, end - 1) : -1;
      }
      rest = buffer.subarray(0, end);
    }
    if (rest.length > 0) yield rest.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** One line of a log file as a `LogEntry`, or null when it is not one (a torn or foreign line). */
export function parseLogLine(line: string): LogEntry | null {
  try {
    const parsed = logEntrySchema.safeParse(toCamelKeys(JSON.parse(line)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The newest `limit` entries in `dir`'s log files, oldest first; unreadable files and bad lines are skipped. */
export async function readNewestEntries(dir: string, limit: number): Promise<LogEntry[]> {
  const newestFirst: LogEntry[] = [];
  const files = (await listChatlogFiles(dir)).reverse();
  for (const file of files) {
    if (newestFirst.length >= limit) break;
    try {
      for await (const line of linesFromEnd(join(dir, file.name))) {
        const entry = parseLogLine(line);
        if (entry) newestFirst.push(entry);
        if (newestFirst.length >= limit) break;
      }
    } catch {
      // Deleted by a rotation in the meantime, or unreadable: the other files still count.
    }
  }
  return newestFirst.reverse();
}
