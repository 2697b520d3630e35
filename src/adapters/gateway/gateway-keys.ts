import { timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import type { ChatLog } from '../../domain/ports/chat-log.port.js';
import {
  changeGatewayKeys,
  createGatewayKey,
  type GatewayKeyInfo,
  gatewayKeysPath,
  hashGatewayKey,
  keyInfo,
  readGatewayKeys,
  revokeGatewayKey,
  type StoredGatewayKey,
} from './gateway-keys-file.js';

export interface GatewayKeysOptions {
  settingsPath: string;
  log: Pick<ChatLog, 'append'>;
  now?: () => Date;
}

/** `last_used_at` is written at most this often per key: a busy editor must not rewrite the file per call. */
const LAST_USED_RESOLUTION_MS = 60_000;
const FLUSH_DELAY_MS = 1_000;

interface Loaded {
  /** The file as last read: inode, size and mtime; another process's change gives a new one. */
  signature: string;
  keys: { stored: StoredGatewayKey; digest: Buffer }[];
}

/**
 * The gateway keys of CONTRACT section 13 as this server checks them. The file is the truth: every
 * check looks whether it changed (one `stat`), so a key revoked by `lightchat gateway-key revoke` in
 * another process is refused from the next request on. A file that cannot be read refuses every key.
 */
export class GatewayKeys {
  readonly path: string;
  private loaded: Loaded = { signature: 'none', keys: [] };
  private refreshing: Promise<void> | undefined;
  private readonly usedAt = new Map<string, Date>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly now: () => Date;
  private lastError: string | undefined;

  constructor(private readonly options: GatewayKeysOptions) {
    this.path = gatewayKeysPath(options.settingsPath);
    this.now = options.now ?? (() => new Date());
  }

  /** The name of the key `candidate` is, or null. Constant-time over every stored key. */
  async verify(candidate: string): Promise<string | null> {
    await this.refresh();
    const digest = Buffer.from(hashGatewayKey(candidate), 'hex');
    let name: string | null = null;
    for (const key of this.loaded.keys) if (timingSafeEqual(digest, key.digest)) name = key.stored.name;
    if (name !== null) this.markUsed(name);
    return name;
  }

  async list(): Promise<GatewayKeyInfo[]> {
    await this.refresh({ throwOnError: true });
    return this.loaded.keys.map(({ stored }) => {
      const used = this.usedAt.get(stored.name);
      const info = keyInfo(stored);
      return used && (info.lastUsedAt === null || used.toISOString() > info.lastUsedAt)
        ? { ...info, lastUsedAt: used.toISOString() }
        : info;
    });
  }

  /** A new key named `name`: returned this once. */
  async create(name: string): Promise<{ name: string; key: string }> {
    const key = await createGatewayKey(this.path, name, this.now());
    await this.refresh({ force: true });
    return { name, key };
  }

  /** Refused at once: the cache is reloaded before this resolves. */
  async revoke(name: string): Promise<void> {
    await revokeGatewayKey(this.path, name);
    this.usedAt.delete(name);
    await this.refresh({ force: true });
  }

  /** Writes what `last_used_at` is still waiting. */
  async close(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flushing;
    await this.flushUsed();
  }

  private async refresh(options: { force?: boolean; throwOnError?: boolean } = {}): Promise<void> {
    if (options.force) {
      this.refreshing = undefined;
      this.loaded = { ...this.loaded, signature: 'stale' };
    }
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
    if (options.throwOnError && this.lastError) throw new Error(this.lastError);
  }

  private async reload(): Promise<void> {
    let signature: string;
    try {
      // Synchronous on purpose: one `stat` of a small local file per gateway request costs microseconds,
      // less than a round trip through the thread pool, and it is on every call's path to the first token.
      const stats = statSync(this.path, { throwIfNoEntry: false });
      signature = stats ? `${stats.ino}:${stats.size}:${stats.mtimeMs}` : 'none';
    } catch (error) {
      return this.fail(error, 'unreadable');
    }
    if (signature === this.loaded.signature) return;
    try {
      const keys = signature === 'none' ? [] : await readGatewayKeys(this.path);
      this.loaded = {
        signature,
        keys: keys.map((stored) => ({ stored, digest: Buffer.from(stored.sha256, 'hex') })),
      };
      this.lastError = undefined;
    } catch (error) {
      this.fail(error, signature);
    }
  }

  /** Fails closed: no key is accepted until the file can be read again. Logged once per state of the file. */
  private fail(error: unknown, signature: string): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.lastError !== message) {
      this.options.log.append({
        role: 'error',
        content: `Gateway keys: ${message}`,
        eventType: 'gateway_keys_error',
        details: { path: this.path },
      });
    }
    this.lastError = message;
    this.loaded = { signature: `failed:${signature}`, keys: [] };
  }

  private markUsed(name: string): void {
    const now = this.now();
    this.usedAt.set(name, now);
    const stored = this.loaded.keys.find((key) => key.stored.name === name)?.stored.last_used_at;
    const due =
      stored === null ||
      stored === undefined ||
      now.getTime() - Date.parse(stored) >= LAST_USED_RESOLUTION_MS;
    if (!due || this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushing = this.flushing.then(() => this.flushUsed());
    }, FLUSH_DELAY_MS);
    this.flushTimer.unref();
  }

  /**
   * Stamps `last_used_at` into the file for keys that still exist (a revoked one is not brought back).
   * The dates stay in memory until the file holds them: `list` in the meantime still shows them.
   */
  private async flushUsed(): Promise<void> {
    if (this.usedAt.size === 0) return;
    const used = new Map(this.usedAt);
    try {
      await changeGatewayKeys(this.path, (keys) => ({
        keys: keys.map((key) => {
          const at = used.get(key.name)?.toISOString();
          return at && (key.last_used_at === null || at > key.last_used_at)
            ? { ...key, last_used_at: at }
            : key;
        }),
        result: undefined,
      }));
      for (const [name, at] of used) if (this.usedAt.get(name) === at) this.usedAt.delete(name);
    } catch (error) {
      // Only the dates wait (shown by `list`, written with the next use's): the keys in force stay as they are.
      this.options.log.append({
        role: 'error',
        content: `Gateway keys: could not record when keys were last used: ${error instanceof Error ? error.message : String(error)}`,
        eventType: 'gateway_keys_error',
        details: { path: this.path },
      });
    }
  }
}
