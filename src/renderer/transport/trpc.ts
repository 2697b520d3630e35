import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from './app-router';

/** TanStack Query hooks over the typed API: `useTRPC().providers.list.queryOptions()` etc. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
