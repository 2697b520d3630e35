import type { Conversation as StoredConversation } from '../../domain/conversation';
import { linkToken, storedToken } from '../auth/token-storage';
import { FIRST_PAGE_SIZE } from '../history/conversation-pages';
import { hasIpcBridge } from './ipc-bridge';

/**
 * The requests the page's first screen waits for: whether history is available and the sidebar's
 * first page. This module is part of an entry of its own (early.ts), which index.html loads before
 * the app's bundle: it starts them the moment it arrives (a few KB), while the app's ~450 KB still
 * download and evaluate, and the tRPC client then takes their responses instead of asking again.
 * The URLs are those tRPC's `httpLink` builds for the same queries (client.ts sends both through it).
 */
export function earlyRequestUrls(origin: string): { status: string; firstPage: string } {
  const firstPage = { limit: FIRST_PAGE_SIZE, cursor: null };
  return {
    status: `${origin}/trpc/conversations.status`,
    firstPage: `${origin}/trpc/conversations.list?input=${encodeURIComponent(JSON.stringify(firstPage))}`,
  };
}

/** The page's token, read where the app reads it (the link's fragment first): never moved here. */
function tokenOf(location: Location, storage: Storage): string | null {
  return linkToken(location) || storedToken(storage) || null;
}

/** What a tRPC query answered (`result.data`), or null for a failure. */
async function dataOf(response: Promise<Response>): Promise<unknown> {
  try {
    const answered = await response;
    if (!answered.ok) return null;
    const body = (await answered.json()) as { result?: { data?: unknown } };
    return body.result?.data ?? null;
  } catch {
    return null;
  }
}

/** Started requests by URL; each response is handed out once, and read for the shell from a copy. */
export class EarlyRequests {
  private readonly started = new Map<string, Promise<Response>>();
  private readonly copies = new Map<string, Promise<Response>>();
  readonly urls: { status: string; firstPage: string };

  constructor(options: { location: Location; storage: Storage; fetch: typeof fetch }) {
    this.urls = earlyRequestUrls(options.location.origin);
    const token = tokenOf(options.location, options.storage);
    // Without a token the server refuses them: the app's own requests say so (TokenNeeded).
    if (!token) return;
    for (const url of Object.values(this.urls)) {
      const response = options.fetch(url, { headers: { authorization: `Bearer ${token}` } });
      // A failure is the app's to see, when it takes the response.
      response.catch(() => {});
      this.started.set(url, response);
      // Copied at once, before the app can read the original's body.
      this.copies.set(
        url,
        response.then((answered) => answered.clone()),
      );
    }
  }

  /** The response of a request started early to `url`, once (a later identical request is new). */
  take(url: string, method = 'GET'): Promise<Response> | undefined {
    if (method !== 'GET') return undefined;
    const response = this.started.get(url);
    this.started.delete(url);
    return response;
  }

  /** The sidebar's first page as answered (null: not asked, or refused). */
  async firstPage(): Promise<{ items: StoredConversation[] } | null> {
    const copy = this.copies.get(this.urls.firstPage);
    return copy ? ((await dataOf(copy)) as { items: StoredConversation[] } | null) : null;
  }

  /** Whether history is available, as answered (false: not asked, or refused). */
  async historyAvailable(): Promise<boolean> {
    const copy = this.copies.get(this.urls.status);
    const status = copy ? ((await dataOf(copy)) as { available?: unknown } | null) : null;
    return status?.available === true;
  }
}

/**
 * In a browser only: the desktop window asks its main process over IPC (no HTTP, nothing to win).
 * `fetch` is looked up when called, so a test's stub is the one used.
 */
export const earlyRequests: EarlyRequests | null = hasIpcBridge()
  ? null
  : new EarlyRequests({
      location: window.location,
      storage: window.localStorage,
      fetch: (input, init) => fetch(input, init),
    });
