import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { ApiServices } from './api-services.js';
import { type AppRouterOptions, createAppRouter } from './router.js';
import { createTrpcWebSocket, type TrpcWebSocket, type TrpcWebSocketOptions } from './ws-server.js';

export type TrpcHandler = (request: Request) => Promise<Response>;

export interface TrpcTransports {
  /** `/trpc` over HTTP: batched queries and mutations, subscriptions as SSE (scripts). */
  http: TrpcHandler;
  /** `/trpc` over WebSocket: the web UI's subscriptions, one connection per tab. */
  webSocket: TrpcWebSocket;
}

export interface TrpcTransportOptions extends AppRouterOptions {
  port: () => number;
  authorize?: TrpcWebSocketOptions['authorize'];
}

/**
 * The AppRouter on `/trpc`, over HTTP and over WebSocket. One router for both, so a chat started by
 * an HTTP mutation is found by its subscription on the WebSocket.
 */
export function createTrpcTransports(core: ApiServices, options: TrpcTransportOptions): TrpcTransports {
  const appRouter = createAppRouter(core, options);
  return {
    http: (request) =>
      fetchRequestHandler({ endpoint: '/trpc', req: request, router: appRouter, createContext: () => ({}) }),
    webSocket: createTrpcWebSocket({ router: appRouter, port: options.port, authorize: options.authorize }),
  };
}
