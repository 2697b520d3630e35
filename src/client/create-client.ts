import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource as EventSourcePonyfill } from 'eventsource';
import type { AppRouter } from '../adapters/api/router.js';

export interface LightChatClientOptions {
  /** The server, e.g. `http://127.0.0.1:8000` (no `/trpc`). */
  url: string;
}

export type LightChatClient = ReturnType<typeof createLightChatClient>;

/**
 * A typed tRPC client for a LightChat server: queries and mutations batched over HTTP, subscriptions
 * over SSE. Node has no `EventSource` without a flag, so it brings one where the runtime has none.
 */
export function createLightChatClient({ url }: LightChatClientOptions) {
  const endpoint = `${url.replace(/\/+$/, '')}/trpc`;
  const EventSource = globalThis.EventSource ?? EventSourcePonyfill;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: endpoint, EventSource }),
        false: httpBatchLink({ url: endpoint }),
      }),
    ],
  });
}
