import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_PAGE_SIZE } from '../../src/renderer/history/conversation-pages';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.resetModules();
});

/** The page's tRPC client over HTTP, with `fetch` recorded and every timer held back. */
async function pageClient() {
  const fetched: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      fetched.push(new URL(String(input)).pathname);
      return new Response(JSON.stringify([{ result: { data: { items: [], nextCursor: null } } }]), {
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const { trpcClient } = await import('../../src/renderer/transport/client');
  return { trpcClient, fetched };
}

type PageClient = Awaited<ReturnType<typeof pageClient>>['trpcClient'];

/** Requests that leave alone and at once: what the first screen or a click waits for. */
const UNBATCHED = [
  {
    what: "the sidebar's first page at once, not after a batching timer React's first render runs before",
    path: '/trpc/conversations.list',
    send: (client: PageClient) => client.conversations.list.query({ limit: 30, cursor: null }),
  },
  {
    what: "the conversation a click opens in the click's own task, not after a batching timer a long task may hold back",
    path: '/trpc/conversations.get',
    send: (client: PageClient) => client.conversations.get.query({ id: 'c1', last: 40 }),
  },
];

describe("the page's first requests", () => {
  it.each(UNBATCHED)('send $what', async ({ path, send }) => {
    const { trpcClient, fetched } = await pageClient();
    void send(trpcClient).catch(() => {});
    void trpcClient.config.get.query().catch(() => {});
    // Microtasks run, timers do not: this request has left, alone; config waits for its batch.
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    expect(fetched).toEqual([path]);
    vi.runAllTimers();
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    expect(fetched).toEqual([path, '/trpc/config.get']);
  });
});

describe('the early module (index.html loads it before the bundle)', () => {
  it("asks for the sidebar's first page and the history status with the link's token, and the app's client takes those answers", async () => {
    window.location.hash = '#token=early-token';
    const fetched: { path: string; authorization: string | null }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        fetched.push({
          path: new URL(String(input)).pathname,
          authorization: new Headers(init?.headers).get('authorization'),
        });
        const data = new URL(String(input)).pathname.endsWith('status')
          ? { available: true }
          : { items: [], nextCursor: null };
        return new Response(JSON.stringify({ result: { data } }), {
          headers: { 'content-type': 'application/json' },
        });
      }),
    );
    const { earlyRequests } = await import('../../src/renderer/transport/early-requests');
    expect(fetched).toEqual([
      { path: '/trpc/conversations.status', authorization: 'Bearer early-token' },
      { path: '/trpc/conversations.list', authorization: 'Bearer early-token' },
    ]);
    // Read for the shell from a copy: the app still gets the whole answer.
    await expect(earlyRequests?.historyAvailable()).resolves.toBe(true);
    await expect(earlyRequests?.firstPage()).resolves.toEqual({ items: [], nextCursor: null });

    const { trpcClient } = await import('../../src/renderer/transport/client');
    await expect(trpcClient.conversations.status.query()).resolves.toEqual({ available: true });
    await expect(
      trpcClient.conversations.list.query({ limit: FIRST_PAGE_SIZE, cursor: null }),
    ).resolves.toEqual({
      items: [],
      nextCursor: null,
    });
    // Those were the early answers: nothing was asked twice. A later identical query is a new request.
    expect(fetched).toHaveLength(2);
    await trpcClient.conversations.list.query({ limit: FIRST_PAGE_SIZE, cursor: null });
    expect(fetched).toHaveLength(3);
  });

  it('asks nothing without a token: the app shows how to get the link', async () => {
    window.location.hash = '';
    window.localStorage.clear();
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const { earlyRequests } = await import('../../src/renderer/transport/early-requests');
    expect(fetch).not.toHaveBeenCalled();
    await expect(earlyRequests?.firstPage()).resolves.toBeNull();
  });
});
