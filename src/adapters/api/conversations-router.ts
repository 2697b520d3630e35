import { z } from 'zod';
import { EXPORT_FORMATS } from '../../domain/conversation.js';
import type { ConversationChange } from '../../domain/services/conversation-service.js';
import { subscriptionQueue } from '../../shared/async-queue.js';
import type { ApiServices } from './api-services.js';
import { exportConversationFile } from './conversation-export.js';
import { CONVERSATIONS_LIMIT_MAX, SEARCH_LIMIT_MAX } from './conversation-routes.js';
import { publicProcedure, router } from './trpc.js';

/** Ids and fields are checked by the service (one place, the same errors as REST). */
const byId = z.looseObject({ id: z.string() });

/** `conversations.*` and `search` of CONTRACT section 10, in camelCase. */
export function conversationsRouter(
  core: ApiServices,
  until: (signal: AbortSignal | undefined) => AbortSignal,
) {
  const { conversations } = core;
  return router({
    status: publicProcedure.query(() => conversations.status()),
    list: publicProcedure
      .input(
        z
          .strictObject({
            limit: z.number().int().min(1).max(CONVERSATIONS_LIMIT_MAX).default(50),
            cursor: z.string().nullish(),
          })
          .default({ limit: 50 }),
      )
      .query(({ input }) => conversations.list({ limit: input.limit, cursor: input.cursor ?? null })),
    /** Ids of the stored conversations whose answer is streaming (here or in another process). */
    streaming: publicProcedure.query(() => conversations.streaming()),
    create: publicProcedure
      .input(z.looseObject({}).default({}))
      .mutation(({ input }) => conversations.create(input)),
    /** `last` and `before`: a window of the branch (the service checks them, as for REST). */
    get: publicProcedure
      .input(
        z.strictObject({
          id: z.string(),
          through: z.string().optional(),
          last: z.number().optional(),
          before: z.string().optional(),
        }),
      )
      .query(({ input: { id, ...window } }) => conversations.get(id, window)),
    update: publicProcedure.input(byId).mutation(({ input }) => {
      const { id, ...patch } = input;
      return conversations.update(id, patch);
    }),
    delete: publicProcedure.input(byId).mutation(async ({ input }) => {
      await conversations.delete(input.id);
      return { deleted: true };
    }),
    deleteMessage: publicProcedure
      .input(z.strictObject({ id: z.string(), messageId: z.string() }))
      .mutation(async ({ input }) => {
        await conversations.deleteMessage(input.id, input.messageId);
        return { deleted: true };
      }),
    deleteAll: publicProcedure.mutation(async () => {
      await conversations.deleteAll();
      return { deleted: true };
    }),
    /** One conversation as a file: `{filename, mimeType, content}` (the same as the REST export). */
    export: publicProcedure
      .input(z.strictObject({ id: z.string(), format: z.enum(EXPORT_FORMATS).default('md') }))
      .query(({ input }) => exportConversationFile(conversations, input.id, input.format, core.attachments)),
    /** Only for a damaged database: keeps it aside and starts an empty history. */
    startNewHistory: publicProcedure.mutation(() => conversations.startNewHistory()),
    changes: publicProcedure.subscription(({ signal }) =>
      subscriptionQueue<ConversationChange>((push) => conversations.onChange(push), until(signal)),
    ),
  });
}

export const searchProcedure = (core: ApiServices) =>
  publicProcedure
    .input(
      z.strictObject({ query: z.string(), limit: z.number().int().min(1).max(SEARCH_LIMIT_MAX).default(20) }),
    )
    .query(({ input }) => core.conversations.search(input.query, input.limit));
