import { createTRPCUntypedClient, createWSClient, wsLink } from '@trpc/client';
import type { RendererMessage } from '../../preload/ipc-protocol.js';
import { STREAM_RENDER_INTERVAL_MS } from '../state/stream-pace';
import type { AppRouter } from './app-router';
import { SocketRelay } from './socket-relay';

/** What the page tells its socket worker first: where the socket goes, and the API token it carries. */
export interface SocketWorkerInit {
  type: 'init';
  url: string;
  token: string;
}

/** The page's streaming answer now renders at most this often: posts more often would be wasted. */
export interface SocketWorkerPace {
  type: 'pace';
  intervalMs: number;
}

/** How long the socket stays open after its last subscription ended (the next chat reuses it). */
const LINGER_MS = 30_000;

/**
 * The tab's one WebSocket (CONTRACT section 5), in a worker: every subscription of the page runs
 * here, and the page gets their messages in batches (`SocketRelay`). The token goes in the first
 * message (connectionParams): a browser's WebSocket cannot send headers.
 */
const worker = globalThis as unknown as {
  onmessage: ((event: MessageEvent<SocketWorkerInit | SocketWorkerPace | RendererMessage>) => void) | null;
  postMessage: (message: unknown) => void;
};
let relay: SocketRelay | undefined;

worker.onmessage = ({ data: message }) => {
  if (message.type === 'pace') {
    relay?.pace(message.intervalMs);
    return;
  }
  if (message.type !== 'init') {
    relay?.receive(message);
    return;
  }
  const socket = createWSClient({
    url: message.url,
    connectionParams: () => ({ token: message.token }),
    lazy: { enabled: true, closeMs: LINGER_MS },
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 10_000 },
  });
  const client = createTRPCUntypedClient<AppRouter>({ links: [wsLink({ client: socket })] });
  relay = new SocketRelay({
    runner: { subscribe: (path, input, handlers) => client.subscription(path, input, handlers) },
    post: (messages) => worker.postMessage(messages),
    // The page renders a stream at most this often: more posts would cost it without showing more.
    intervalMs: STREAM_RENDER_INTERVAL_MS,
  });
};
