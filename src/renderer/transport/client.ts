import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCLink,
} from '@trpc/client';
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
