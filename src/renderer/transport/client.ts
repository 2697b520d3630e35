import {
  createTRPCClient,
  getUntypedClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCLink,
  type TRPCUntypedClient,
} from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import type { AppRouter } from './app-router';
import { hasIpcBridge, ipcLink } from './ipc-link';

/** How this window talks to the core: chosen once, when the app starts. */
export type Transport = 'ipc' | 'http';

export const transport: Transport = hasIpcBridge() ? 'ipc' : 'http';

function links(): TRPCLink<AppRouter>[] {
  if (transport === 'ipc') return [ipcLink<AppRouter>()];
  // The web UI is served by the API itself: same origin, so no CORS and the server's Origin check passes.
  const url = `${window.location.origin}/trpc`;
  return [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url }),
      false: httpBatchLink({ url }),
    }),
  ];
}

export const trpcClient = createTRPCClient<AppRouter>({ links: links() });

/**
 * For procedures the `AppRouter` type does not declare: the desktop-only ones (served over IPC only)
 * and optional ones an older server may lack. Callers handle a missing procedure. It shares the typed
 * client's links (one request-id sequence on one channel).
 */
export const untypedClient = getUntypedClient(trpcClient) as unknown as TRPCUntypedClient<AnyTRPCRouter>;
