import { createHash, timingSafeEqual } from 'node:crypto';
import type { ChatLog } from '../../domain/ports/chat-log.port.js';
import { apiTokenPath, ensureApiToken, rotateApiToken } from './api-token-file.js';
import { type FileWatch, watchFile } from './watch-file.js';

export interface ApiTokenOptions {
  settingsPath: string;
  log: Pick<ChatLog, 'append'>;
  /** Quiet time before a change is read (as for settings.yaml). */
  debounceMs?: number;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The admin token of CONTRACT section 4, as this process holds it: loaded (or created) at start and
 * kept in step with its file, so `lightchat token --rotate` reaches every running LightChat on that
 * settings file. The token itself is never logged.
 */
export class ApiToken {
  readonly path: string;
  private token = '';
  private fileWatch: FileWatch | undefined;
  private closed = false;
  private reading: Promise<void> = Promise.resolve();

  private constructor(private readonly options: ApiTokenOptions) {
    this.path = apiTokenPath(options.settingsPath);
  }

  static async start(options: ApiTokenOptions): Promise<ApiToken> {
    const apiToken = new ApiToken(options);
    await apiToken.reload();
    apiToken.fileWatch = watchFile(apiToken.path, options.debounceMs ?? 75, () => {
      apiToken.reading = apiToken.reading.then(() => apiToken.reload());
    });
    return apiToken;
  }

  /** The token in force (for the link `serve` prints and the desktop app's `Open in Browser`). */
  current(): string {
    return this.token;
  }

  /** Constant-time: equal-length digests, so neither length nor content leaks through timing. */
  matches(candidate: string): boolean {
    return this.token !== '' && timingSafeEqual(digest(candidate), digest(this.token));
  }

  /** Replaces the token (file and memory); other processes pick it up through their watch. */
  async rotate(): Promise<string> {
    this.token = await rotateApiToken(this.path);
    return this.token;
  }

  /** Resolves once file changes are being seen (tests). */
  async watching(): Promise<void> {
    await this.fileWatch?.ready;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.fileWatch?.close();
    await this.reading;
  }

  private async reload(): Promise<void> {
    if (this.closed) return;
    try {
      const { token, replaced } = await ensureApiToken(this.path);
      this.token = token;
      if (replaced) {
        this.options.log.append({
          role: 'error',
          content: `The API token file was refused (${replaced}) and replaced with a new token`,
          eventType: 'api_token_replaced',
          details: { path: this.path, reason: replaced },
        });
      }
    } catch (error) {
      // The last good token stays in force; a start-up failure surfaces to the caller of start().
      if (this.token === '') throw error;
      this.options.log.append({
        role: 'error',
        content: `Could not read the API token file: ${error instanceof Error ? error.message : String(error)}`,
        eventType: 'api_token_error',
        details: { path: this.path },
      });
    }
  }
}
