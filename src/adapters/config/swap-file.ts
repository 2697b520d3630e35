import { randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The steps of a swap, reported to `onStep` (a test hook that lands an editor's save in each window). */
export type SwapStep = 'checked' | 'taken' | 'placed';

export interface SwapFileOptions {
  path: string;
  /** What the file must hold for the swap to happen; undefined: the file must not exist. */
  expected: string | undefined;
  text: string;
  mode: number;
  onStep?: (step: SwapStep) => Promise<void> | void;
}

const TAKEN_SUFFIX = '.taken';

/**
 * Replaces the file at `path` with `text` only if it still holds `expected`: a compare-and-swap
 * against editors that know nothing of us. Returns false, having changed nothing, when it does not.
 *
 * POSIX has no conditional rename, and a plain `rename(temp, path)` would silently drop an editor's
 * save that lands between our check and the rename. So the file is first *taken*: renamed away to a
 * name of our own, which tells us exactly which file we hold. Then:
 * - the taken file is compared with `expected` (an editor's save before the take is seen here, and
 *   is put back);
 * - ours is placed with `link`, which fails when anything appeared at `path` meanwhile (an editor's
 *   rename-save or delete+recreate while the file was away): theirs stays;
 * - the taken file is compared once more (a write through a handle an editor opened before the take
 *   lands in it, not at `path`): if it changed, it is put back over ours.
 * What remains: `path` is missing for the two system calls between the take and the link (readers
 * may see ENOENT, as during an editor's delete+recreate save), and a write through an old handle
 * after the last comparison lands in the taken file, which is then removed. A process killed while
 * the file is away leaves it under the `.taken` name; `restoreInterruptedSwap` puts it back.
 */
export async function swapFile(options: SwapFileOptions): Promise<boolean> {
  const { path, expected, onStep } = options;
  const temp = await writeTemp(path, options.text, options.mode);
  try {
    if ((await readText(path)) !== expected) return false;
    await onStep?.('checked');
    // A file that does not exist yet is created by the link alone: it fails if one appeared.
    if (expected === undefined) return await linkUnlessTaken(temp, path);
    const taken = `${path}.${process.pid}.${randomBytes(4).toString('hex')}${TAKEN_SUFFIX}`;
    try {
      await rename(path, taken);
    } catch (error) {
      // Gone: an editor is deleting and recreating it. Its new file will come; ours must not.
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    }
    await onStep?.('taken');
    if ((await readText(taken)) !== expected) {
      await putBack(taken, path);
      return false;
    }
    if (!(await linkUnlessTaken(temp, path))) {
      // An editor saved a new file while ours was on its way: theirs is newer than the one taken.
      await unlink(taken);
      return false;
    }
    await onStep?.('placed');
    if ((await readText(taken)) !== expected) {
      await rename(taken, path);
      return false;
    }
    await unlink(taken);
    return true;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Puts back a file a swap had taken when the swap did not finish (the process was killed). */
export async function restoreInterruptedSwap(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = (await readdir(dirname(path)).catch(() => [] as string[])).filter(
    (name) => name.startsWith(prefix) && name.endsWith(TAKEN_SUFFIX),
  );
  const candidates = await Promise.all(
    names.map(async (name) => {
      const file = join(dirname(path), name);
      return { file, mtimeMs: (await stat(file)).mtimeMs };
    }),
  );
  const newest = candidates.sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
  if (newest) await putBack(newest.file, path);
}

/** Moves `taken` back to `path` unless something is there now (then the taken file is kept as it is). */
async function putBack(taken: string, path: string): Promise<void> {
  if (await linkUnlessTaken(taken, path)) await unlink(taken);
}

/** `link` never replaces a file: false when `path` exists. */
async function linkUnlessTaken(from: string, path: string): Promise<boolean> {
  try {
    await link(from, path);
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  }
}

/** The new content, fsynced, under a unique name beside the file (same filesystem, so links work). */
async function writeTemp(path: string, text: string, mode: number): Promise<string> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

const isCode = (error: unknown, code: string): boolean => (error as NodeJS.ErrnoException).code === code;
