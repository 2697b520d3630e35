import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { ApiServices } from './api-services.js';
import { type AppRouterOptions, createAppRouter } from './router.js';

export type TrpcHandler = (request: Request) => Promise<Response>;

/** The AppRouter over HTTP at `/trpc`: batched queries and mutations, subscriptions as SSE. */
export function createTrpcHandler(core: ApiServices, options: AppRouterOptions): TrpcHandler {
  const appRouter = createAppRouter(core, options);
  return (request) =>
    fetchRequestHandler({ endpoint: '/trpc', req: request, router: appRouter, createContext: () => ({}) });
}
