import { afterEach, describe, expect, it, vi } from 'vitest';

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

describe("the page's first requests", () => {
  it("send the sidebar's first page at once, not after a batching timer React's first render runs before", async () => {
    const { trpcClient, fetched } = await pageClient();
    void trpcClient.conversations.list.query({ limit: 30, cursor: null }).catch(() => {});
    void trpcClient.config.get.query().catch(() => {});
    // Microtasks run, timers do not: the list's request has left, alone; config waits for its batch.
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    expect(fetched).toEqual(['/trpc/conversations.list']);
    vi.runAllTimers();
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    expect(fetched).toEqual(['/trpc/conversations.list', '/trpc/config.get']);
  });
});
