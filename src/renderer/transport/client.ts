import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  type TRPCLink,
  wsLink,
} from '@trpc/client';
import { authorizedFetch, type LightChatHttpError } from '../../client/authorized-fetch';
import { adoptTokenFromLink, storedToken, tokenProblem } from '../auth/api-token';
import type { AppRouter } from './app-router';
import { hasIpcBridge, ipcLink } from './ipc-link';

/** How this window talks to the core: chosen once, when the app starts. */
export type Transport = 'ipc' | 'http';

export const transport: Transport = hasIpcBridge() ? 'ipc' : 'http';

/** How long the tab's WebSocket stays open after its last subscription ended (the next chat reuses it). */
const LINGER_MS = 30_000;

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
  // Opened with the first subscription, closed when none is left; it reconnects after a drop. A
  // browser's WebSocket cannot send headers: the token goes in the first message (connectionParams).
  const webSocket = createWSClient({
    url: url.replace(/^http/, 'ws'),
    connectionParams: () => ({ token: token() ?? '' }),
    lazy: { enabled: true, closeMs: LINGER_MS },
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 10_000 },
  });
  return [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: wsLink({ client: webSocket }),
      false: httpBatchLink({ url, fetch: authorizedFetch({ token, throwRefusals: true, onRefused }) }),
    }),
  ];
}

// The desktop window talks IPC: it needs no token.
export const trpcClient = createTRPCClient<AppRouter>({
  links: transport === 'ipc' ? [ipcLink<AppRouter>()] : httpLinks(),
});
