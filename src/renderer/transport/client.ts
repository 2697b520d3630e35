import { createTRPCClient, httpBatchLink, httpLink, splitLink, type TRPCLink } from '@trpc/client';
import { authorizedFetch, type LightChatHttpError } from '../../client/authorized-fetch';
import { adoptTokenFromLink, storedToken, tokenProblem } from '../auth/api-token';
import type { AppRouter } from './app-router';
import { earlyRequests } from './early-requests';
import { hasIpcBridge, ipcLink } from './ipc-link';
import { socketWorkerBridge } from './socket-worker-bridge';

/** How this window talks to the core: chosen once, when the app starts. */
export type Transport = 'ipc' | 'http';

export const transport: Transport = hasIpcBridge() ? 'ipc' : 'http';

/** Queries sent on their own, at once (see `httpLinks`). */
const UNBATCHED = new Set(['conversations.list', 'conversations.status', 'conversations.get']);

function httpLinks(): TRPCLink<AppRouter>[] {
  adoptTokenFromLink(window.location, window.history, window.localStorage);
  // A link pasted into the address bar of an open page: take its token and start again with it.
  window.addEventListener('hashchange', () => {
    if (!new URLSearchParams(window.location.hash.slice(1)).has('token')) return;
    adoptTokenFromLink(window.location, window.history, window.localStorage);
    window.location.reload();
  });
  const token = () => storedToken(window.localStorage);
  const onRefused = (error: LightChatHttpError) => {
    if (error.data.errorCode !== 'UNAUTHORIZED') return;
    tokenProblem.set(error.data.details.reason === 'wrong' ? 'wrong' : 'missing');
  };
  // The web UI is served by the API itself: same origin, so no CORS and the server's Origin check passes.
  const url = `${window.location.origin}/trpc`;
  // Every subscription of the tab on one WebSocket: browsers allow six HTTP/1.1 connections per host
  // for all tabs together, and an EventSource per subscription stalls the next tab (CONTRACT section 5).
  // The socket lives in a worker, which reads and parses the stream off the main thread and hands
  // the page at most one batch of messages per render interval (socket-relay.ts).
  const socket = socketWorkerBridge(() => ({ url: url.replace(/^http/, 'ws'), token: token() ?? '' }));
  const fetch = authorizedFetch({
    token,
    throwRefusals: true,
    onRefused,
    // The first screen's requests left before this bundle had arrived (early-requests.ts).
    fetch: (input, init) => earlyRequests?.take(String(input), init?.method) ?? globalThis.fetch(input, init),
  });
  return [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: ipcLink<AppRouter>({ bridge: socket }),
      // The sidebar's pages, the history status and the conversation a click opens go alone and at
      // once, in the task that asked: a batch leaves on a timer, which runs after React's first render
      // or whatever long task came next (hundreds of ms on a loaded machine), and waits for the
      // slowest query in it. The first requests of the first two are those early-requests.ts started.
      false: splitLink({
        condition: (op) => UNBATCHED.has(op.path),
        true: httpLink({ url, fetch }),
        false: httpBatchLink({ url, fetch }),
      }),
    }),
  ];
}

// The desktop window talks IPC: it needs no token.
export const trpcClient = createTRPCClient<AppRouter>({
  links: transport === 'ipc' ? [ipcLink<AppRouter>()] : httpLinks(),
});
