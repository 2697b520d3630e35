import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { chatlogFilesAmong } from './chatlog-files.js';
import { deleteUnlessLocked, removeIfStale } from './file-lock.js';

export interface RotationLimits {
  dir: string;
  maxFiles: number;
  maxFileSizeBytes: number;
}

const LOCK_SUFFIX = '.lock';

/**
 * Deletes the oldest log files while the directory holds more than `maxFiles` files *and* more than its byte
 * budget (`maxFiles × maxFileSizeBytes`): many small files left by processes running side by side are kept.
 * `current`, the file this process is filling, counts as full, so the directory stays within the budget as it
 * fills. A file whose lock a live process holds is never deleted (the next oldest goes instead).
 * Never throws: retention is housekeeping, it must not stop a line from being written.
 */
export async function applyRetention(limits: RotationLimits, current: string): Promise<void> {
  try {
    const { dir, maxFiles, maxFileSizeBytes } = limits;
    const names = await readdir(dir);
    const files = await sized(
      dir,
      chatlogFilesAmong(names).map((file) => file.name),
    );
    const budget = maxFiles * maxFileSizeBytes;
    let count = files.length;
    let bytes = files.reduce(
      (sum, file) => sum + (file.path === current ? Math.max(file.size, maxFileSizeBytes) : file.size),
      0,
    );
    for (const file of files) {
      if (count <= maxFiles || bytes <= budget) break;
      if (file.path === current || !(await deleteUnlessLocked(file.path))) continue;
      count -= 1;
      bytes -= file.size;
    }
    await removeStaleOrphanLocks(dir, names);
  } catch {
    // An unreadable dir: the write itself reports it.
  }
}

async function sized(dir: string, names: string[]): Promise<Array<{ path: string; size: number }>> {
  const files = await Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      const size = await stat(path).then(
        (stats) => stats.size,
        () => null, // deleted meanwhile
      );
      return size === null ? null : { path, size };
    }),
  );
  return files.filter((file) => file !== null);
}

/**
 * `.lock`s of log files that are gone (their process crashed, then the file was deleted without its lock):
 * removed once stale. A fresh one belongs to a process about to create that file, and stays.
 */
async function removeStaleOrphanLocks(dir: string, names: string[]): Promise<void> {
  const present = new Set(names);
  const orphans = names
    .filter((name) => name.endsWith(LOCK_SUFFIX))
    .map((name) => name.slice(0, -LOCK_SUFFIX.length))
    .filter((file) => !present.has(file) && chatlogFilesAmong([file]).length === 1);
  for (const file of orphans) await removeIfStale(join(dir, file));
}
