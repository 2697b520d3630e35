import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

interface LockFile {
  pid: number;
  host: string;
}

/**
 * One lock file per process using the data directory (the desktop app and `serve` may share it):
 * `locks/<owner id>.lock`. Streaming rows carry their owner id, so start-up marks `interrupted` only
 * what a process that is gone left behind, never a live process's answers.
 */
export class OwnerLocks {
  private readonly dir: string;

  constructor(
    dataDir: string,
    readonly ownerId: string,
  ) {
    this.dir = join(dataDir, 'locks');
  }

  acquire(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const lock: LockFile = { pid: process.pid, host: hostname() };
    writeFileSync(this.file(this.ownerId), JSON.stringify(lock), { mode: 0o600 });
  }

  release(): void {
    rmSync(this.file(this.ownerId), { force: true });
  }

  /** False only when the owner's process is known to be gone (its lock is missing, or its pid is dead here). */
  isAlive(ownerId: string): boolean {
    if (ownerId === this.ownerId) return true;
    let lock: LockFile;
    try {
      lock = JSON.parse(readFileSync(this.file(ownerId), 'utf8')) as LockFile;
    } catch {
      return false;
    }
    // Another machine's process (a data directory on a network share) can't be checked: assume it lives.
    if (lock.host !== hostname()) return true;
    try {
      process.kill(lock.pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  /** Lock files of processes that are gone. */
  removeStale(): void {
    let names: string[] = [];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const ownerId = name.replace(/\.lock$/, '');
      if (name.endsWith('.lock') && !this.isAlive(ownerId)) rmSync(join(this.dir, name), { force: true });
    }
  }

  private file(ownerId: string): string {
    return join(this.dir, `${ownerId.replace(/[^a-zA-Z0-9-]/g, '')}.lock`);
  }
}
