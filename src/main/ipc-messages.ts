import { z } from 'zod';
import type { RendererMessage } from '../preload/ipc-protocol.js';

/** What the main process accepts on the tRPC channel: anything else is dropped unanswered. */
export const rendererMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('request'),
    id: z.number().int().nonnegative(),
    op: z.object({
      type: z.enum(['query', 'mutation', 'subscription']),
      path: z.string().min(1).max(200),
      input: z.unknown().optional(),
    }),
  }),
  z.object({ type: z.literal('stop'), id: z.number().int().nonnegative() }),
]);

// The schema and the shared protocol type must describe the same messages.
const _sameShape: RendererMessage = {} as z.infer<typeof rendererMessageSchema>;
void _sameShape;
