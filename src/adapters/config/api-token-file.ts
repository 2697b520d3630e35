import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** CONTRACT section 4: the admin token lives in `api-token` next to the settings file. */
export const apiTokenPath = (settingsPath: string): string => join(dirname(settingsPath), 'api-token');

/** 32 random bytes, base64url: 43 characters. */
export const newApiToken = (): string => randomBytes(32).toString('base64url');

/** A token worth keeping: base64url, and at least as long as 24 random bytes would make it. */
const ACCEPTABLE = /^[A-Za-z0-9_-]{32,512}$/;

export type TokenFileRead =
  | { kind: 'ok'; token: string }
  | { kind: 'missing' }
  /** Present but not to be trusted; `reason` says why in a user's words (never the token). */
  | { kind: 'refused'; reason: string };

export interface TokenFileChecks {
  /** Refuse a file that is not the user's or that others may read or write (the server's view). */
  checkOwner: boolean;
  /** The user the file must belong to (default: this process's; tests pass another). */
  uid?: number;
}

/** Reads the token file without following a symlink; content that is not a usable token is refused. */
export async function readApiTokenFile(path: string, options: TokenFileChecks): Promise<TokenFileRead> {
  const posix = process.platform !== 'win32';
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | (posix ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP') return { kind: 'refused', reason: 'it is a symbolic link' };
    throw error;
  }
  try {
    if (options.checkOwner && posix) {
      const stats = await handle.stat();
      if (!stats.isFile()) return { kind: 'refused', reason: 'it is not a regular file' };
      if (stats.uid !== (options.uid ?? process.getuid?.()))
        return { kind: 'refused', reason: 'it belongs to another user' };
      // Writable by others lets them choose the token; readable lets them use it.
      if ((stats.mode & 0o077) !== 0) {
        return {
          kind: 'refused',
          reason: `other users may access it (mode ${(stats.mode & 0o777).toString(8)})`,
        };
      }
    }
    const token = (await handle.readFile('utf8')).trim();
    if (!ACCEPTABLE.test(token)) return { kind: 'refused', reason: 'it does not hold a valid token' };
    return { kind: 'ok', token };
  } finally {
    await handle.close();
  }
}

/**
 * The token in force, created on first use (`replaced` says why an existing file was refused and
 * replaced). Two processes starting together agree on one token: creation links a complete file in
 * place, which fails for the second one, who then reads the first one's.
 */
export async function ensureApiToken(
  path: string,
  options: { uid?: number } = {},
): Promise<{ token: string; replaced?: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await readApiTokenFile(path, { checkOwner: true, uid: options.uid });
    if (found.kind === 'ok') return { token: found.token };
    if (found.kind === 'refused') return { token: await rotateApiToken(path), replaced: found.reason };
    const token = newApiToken();
    const temp = await writeTempToken(path, token);
    try {
      await link(temp, path);
      return { token };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }
  throw new Error(`Could not create the API token file ${path}: it keeps changing under LightChat.`);
}

/** Writes a new token over the old one atomically (a complete file or none); returns it. */
export async function rotateApiToken(path: string): Promise<string> {
  const token = newApiToken();
  const temp = await writeTempToken(path, token);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return token;
}

/** A fresh file beside the token file, created exclusively and readable by the user alone. */
async function writeTempToken(path: string, token: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(`${token}\n`);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}
