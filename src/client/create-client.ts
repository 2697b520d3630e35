import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource as EventSourcePonyfill } from 'eventsource';
import type { AppRouter } from '../adapters/api/router.js';
import { findApiToken } from './api-token.js';
import { authorizedFetch } from './authorized-fetch.js';

export interface LightChatClientOptions {
  /** The server, e.g. `http://127.0.0.1:8000` (no `/trpc`). */
  url: string;
  /** The API token; default: `LIGHTCHAT_TOKEN`, else the `api-token` file next to the settings file. */
  token?: string;
  /** Whose `api-token` to read (default: `LIGHTCHAT_CONFIG`, else the OS settings path). */
  settingsPath?: string;
}

export type LightChatClient = ReturnType<typeof createLightChatClient>;

/**
 * A typed tRPC client for a LightChat server: queries batched over HTTP, mutations sent alone and at
 * once, subscriptions over SSE, each request with the API token. A browser's own `EventSource` cannot
 * send a header, so subscriptions always use the `eventsource` package's, which takes a `fetch`.
 */
export function createLightChatClient({ url, token, settingsPath }: LightChatClientOptions) {
  const endpoint = `${url.replace(/\/+$/, '')}/trpc`;
  const findToken = () => findApiToken({ url, token, settingsPath });
  const eventSourceFetch = authorizedFetch({ token: findToken, throwRefusals: false });
  const fetch = authorizedFetch({ token: findToken, throwRefusals: true });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: endpoint,
          EventSource: EventSourcePonyfill,
          eventSourceOptions: { fetch: eventSourceFetch },
        }),
        // A batch leaves on a timer (at least 1 ms in Node, more on a busy loop): `chat.start` is on
        // every chat's way to its first token and `chat.stop` is the Stop button, and mutations are
        // rarely sent together. Queries (a script listing every provider's models) stay batched.
        false: splitLink({
          condition: (op) => op.type === 'mutation',
          true: httpLink({ url: endpoint, fetch }),
          false: httpBatchLink({ url: endpoint, fetch }),
        }),
      }),
    ],
  });
}
