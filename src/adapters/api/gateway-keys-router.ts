import { z } from 'zod';
import type { ApiServices } from './api-services.js';
import { publicProcedure, router } from './trpc.js';

const nameSchema = z.strictObject({ name: z.string() });

/**
 * `gatewayKeys.*`: the `/gateway-keys` routes of CONTRACT section 13 for the Settings dialog (over HTTP
 * with the admin token, or IPC). The same store: a key created here is shown this once.
 */
export function gatewayKeysRouter(core: ApiServices) {
  return router({
    list: publicProcedure.query(() => core.gatewayKeys.list()),
    create: publicProcedure.input(nameSchema).mutation(({ input }) => core.gatewayKeys.create(input.name)),
    revoke: publicProcedure.input(nameSchema).mutation(async ({ input }) => {
      await core.gatewayKeys.revoke(input.name);
      return { revoked: input.name };
    }),
  });
}
