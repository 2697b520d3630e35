import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';

/** CONTRACT section 13: the gateway's keys live, hashed, in `gateway-keys` next to the settings file. */
export const gatewayKeysPath = (settingsPath: string): string => join(dirname(settingsPath), 'gateway-keys');

const FILE_MODE = 0o600;
/** What a key looks like, so a user can tell it from the admin token (and secret scanners can find it). */
export const GATEWAY_KEY_PREFIX = 'lcgw-';
/** A name a user types on the command line and that sits in a URL path: short and plain. */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const KEY_NAME_RULE =
  'a key name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. continue-laptop)';

const storedKeySchema = z.strictObject({
  name: z.string().regex(KEY_NAME),
  /** SHA-256 of the key, hex: the key itself is shown once and never stored. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
const keysFileSchema = z.strictObject({ version: z.literal(1), keys: z.array(storedKeySchema) });

export type StoredGatewayKey = z.infer<typeof storedKeySchema>;

/** A new key: the prefix and 32 random bytes, base64url. */
export const newGatewayKey = (): string => `${GATEWAY_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;

export const hashGatewayKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/**
 * The stored keys; none when the file does not exist. A file that does not parse is an error that
 * names it: it is never replaced behind the user's back (that would revoke or resurrect keys).
 */
export async function readGatewayKeys(path: string): Promise<StoredGatewayKey[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      `The gateway key file ${path} is not valid JSON. Fix it, or delete it to revoke every key.`,
    );
  }
  const parsed = keysFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `The gateway key file ${path} is not valid (${issue?.path.join('.') || 'top level'}: ${issue?.message}). Fix it, or delete it to revoke every key.`,
    );
  }
  return parsed.data.keys;
}

/**
 * Reads, changes and writes the keys under a lock (the server and `lightchat gateway-key` may change
 * the file at the same time); the write is atomic (a complete file or none) with mode 0600.
 * Returns what `change` returned.
 */
export async function changeGatewayKeys<T>(
  path: string,
  change: (keys: StoredGatewayKey[]) => { keys: StoredGatewayKey[]; result: T },
): Promise<T> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const release = await lockfile.lock(path, {
    realpath: false, // the file may not exist yet
    stale: 10_000,
    retries: { retries: 50, minTimeout: 10, maxTimeout: 200 },
  });
  try {
    const { keys, result } = change(await readGatewayKeys(path));
    await writeFileAtomic(path, `${JSON.stringify({ version: 1, keys }, null, 2)}\n`, { mode: FILE_MODE });
    return result;
  } finally {
    await release().catch(() => {});
  }
}

/** A key as listed (`GET /gateway-keys`, `lightchat gateway-key list`): never the key or its hash. */
export interface GatewayKeyInfo {
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export const keyInfo = (key: StoredGatewayKey): GatewayKeyInfo => ({
  name: key.name,
  createdAt: key.created_at,
  lastUsedAt: key.last_used_at,
});

/** Adds a key named `name`; the key is returned this once (only its hash is stored). */
export async function createGatewayKey(path: string, name: string, now = new Date()): Promise<string> {
  if (!KEY_NAME.test(name)) {
    throw new AppError(
      'VALIDATION_ERROR',
      `"${name.slice(0, 80)}" is not a usable key name: ${KEY_NAME_RULE}.`,
      {
        details: { issues: [{ path: ['name'], message: KEY_NAME_RULE }] },
      },
    );
  }
  const key = newGatewayKey();
  return changeGatewayKeys(path, (keys) => {
    if (keys.some((existing) => existing.name === name)) {
      throw new AppError(
        'VALIDATION_ERROR',
        `A gateway key named "${name}" already exists. Pick another name, or revoke that one first.`,
        { details: { issues: [{ path: ['name'], message: 'a key with this name already exists' }] } },
      );
    }
    const created = { name, sha256: hashGatewayKey(key), created_at: now.toISOString(), last_used_at: null };
    return { keys: [...keys, created], result: key };
  });
}

/** Removes the key named `name`: it is refused from the next request on. NOT_FOUND when there is none. */
export async function revokeGatewayKey(path: string, name: string): Promise<void> {
  await changeGatewayKeys(path, (keys) => {
    if (!keys.some((key) => key.name === name)) {
      const known = keys.map((key) => key.name);
      throw new AppError(
        'NOT_FOUND',
        `There is no gateway key named "${name.slice(0, 80)}". Keys: ${known.join(', ') || 'none'}.`,
        { details: { name: name.slice(0, 80), known_names: known } },
      );
    }
    return { keys: keys.filter((key) => key.name !== name), result: undefined };
  });
}
