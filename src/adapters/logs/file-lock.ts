import { unlink } from 'node:fs/promises';
import lockfile from 'proper-lockfile';

/**
 * A lock not refreshed for this long belongs to a process that crashed (a live one refreshes it every
 * half of this): its file may then be taken over or rotated away.
 */
const STALE_MS = 10_000;

/** The right to write into (or delete) one log file: `<file>.lock`, a directory, as proper-lockfile makes it. */
export interface FileLock {
  /** Another process took the lock over (ours was not refreshed in time, e.g. after a system sleep). */
  readonly lost: boolean;
  /** Removes the `.lock`; never throws. */
  release(): Promise<void>;
}

/**
 * Takes the lock of `path` (which need not exist yet) without waiting: null when a live process holds it.
 * A stale lock is taken over. Other failures (an unwritable dir) are thrown.
 */
export async function tryLock(path: string): Promise<FileLock | null> {
  let lost = false;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, {
      stale: STALE_MS,
      realpath: false, // the file may not exist yet: we lock a name before creating it
      retries: 0,
      // The default throws from a timer; we only stop writing into that file at the next line.
      onCompromised: () => {
        lost = true;
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return null;
    throw error;
  }
  return {
    get lost() {
      return lost;
    },
    release: () => release().catch(() => {}),
  };
}

/** Deletes `path` only if no live process holds its lock; false when it was held or could not be deleted. */
export async function deleteUnlessLocked(path: string): Promise<boolean> {
  const lock = await tryLock(path).catch(() => null);
  if (!lock) return false;
  try {
    await unlink(path);
    return true;
  } catch {
    return false;
  } finally {
    await lock.release();
  }
}

/** Removes the `.lock` of `path` if its process crashed (a stale lock whose file is gone); a live one is left. */
export async function removeIfStale(path: string): Promise<void> {
  const lock = await tryLock(path).catch(() => null);
  await lock?.release();
}
