import { z } from 'zod';
import { chatStartSchema } from '../../domain/chat.js';
import type { ToolServerInfo } from '../../domain/ports/tool-host.port.js';
import { modelManagerOf } from '../../domain/services/model-pulls.js';
import type { ConfigChange } from '../../domain/services/settings-service.js';
import { type PendingApproval, TOOL_DECISIONS } from '../../domain/tools/tool-approvals.js';
import { subscriptionQueue } from '../../shared/async-queue.js';
import type { ApiServices } from './api-services.js';
import { attachmentsRouter } from './attachments-router.js';
import { conversationsRouter, searchProcedure } from './conversations-router.js';
import { gatewayKeysRouter } from './gateway-keys-router.js';
import { healthOf } from './health.js';
import { LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX } from './log-limits.js';
import { publicProcedure, router } from './trpc.js';

export interface AppRouterOptions {
  /** Aborted when the host shuts down: open subscriptions end (chats with `SERVER_SHUTTING_DOWN`). */
  closing?: AbortSignal;
}

const chatIdSchema = z.strictObject({ chatId: z.string().min(1) });
/** `after`: re-attach to a stored chat, from the event after this sequence number (`seq`). */
const chatEventsSchema = z.strictObject({
  chatId: z.string().min(1),
  after: z.number().int().min(0).optional(),
});

/** A model of a provider; names hold `/` and `:`, never spaces. */
const modelInput = z.strictObject({
  providerId: z.string().min(1),
  model: z
    .string()
    .trim()
    .regex(/^\S{1,300}$/, 'must be a model name such as llama3.2 or qwen3:8b'),
});

/** `config.update` takes what `config.get` returned (edited), plus `overwrite` for an invalid file. */
const configUpdateSchema = z.looseObject({ revision: z.string(), overwrite: z.boolean().optional() });

/** The tRPC API of CONTRACT section 5, served over HTTP (`/trpc`) and, in the desktop app, over IPC. */
export function createAppRouter(core: ApiServices, options: AppRouterOptions = {}) {
  const registry = core.chats;
  const until = (signal: AbortSignal | undefined) =>
    AbortSignal.any([signal, options.closing].filter((s): s is AbortSignal => s !== undefined));

  return router({
    health: publicProcedure.query(() => healthOf(core)),

    providers: router({
      list: publicProcedure.query(({ signal }) => core.providers.list(signal)),
    }),

    models: router({
      list: publicProcedure
        .input(z.strictObject({ providerId: z.string().min(1) }))
        .query(({ input, signal }) => core.providers.resolve(input.providerId).listModels(signal)),
      // A pull is a mutation plus a subscription by id (a subscription is a GET: it never starts work).
      pull: publicProcedure.input(modelInput).mutation(({ input }) => core.pulls.start(input)),
      pullEvents: publicProcedure
        .input(z.strictObject({ pullId: z.string().min(1) }))
        .subscription(({ input, signal }) => core.pulls.events(input.pullId, until(signal))),
      cancelPull: publicProcedure
        .input(z.strictObject({ pullId: z.string().min(1) }))
        .mutation(({ input }) => core.pulls.cancel(input.pullId)),
      delete: publicProcedure.input(modelInput).mutation(async ({ input, signal }) => {
        await modelManagerOf(core.providers.resolve(input.providerId)).delete(input.model, signal);
        return { deleted: true };
      }),
      unload: publicProcedure.input(modelInput).mutation(async ({ input, signal }) => {
        await modelManagerOf(core.providers.resolve(input.providerId)).unload(input.model, signal);
        return { unloaded: true };
      }),
    }),

    chat: router({
      start: publicProcedure
        .input(chatStartSchema)
        .mutation(({ input, signal }) => registry.start(input, signal, { closing: options.closing })),
      events: publicProcedure
        .input(chatEventsSchema)
        .subscription(({ input, signal }) =>
          registry.events(input.chatId, signal, { after: input.after ?? 0 }),
        ),
      stop: publicProcedure
        .input(chatIdSchema)
        .mutation(({ input }) => ({ stopped: registry.stop(input.chatId) })),
      /** Answers a tool call that waits for approval, from any window or tab (CONTRACT section 11). */
      decideTool: publicProcedure
        .input(
          z.strictObject({
            chatId: z.string().min(1),
            id: z.string().min(1),
            decision: z.enum(TOOL_DECISIONS),
          }),
        )
        .mutation(async ({ input }) => {
          await core.toolApprovals.decide(input.chatId, input.id, input.decision);
          return input;
        }),
      /** The calls waiting for approval: the whole list at once, then again on every change. */
      pendingApprovals: publicProcedure.subscription(({ signal }) =>
        subscriptionQueue<PendingApproval[]>((push) => {
          push(core.toolApprovals.pending());
          return core.toolApprovals.onChange(push);
        }, until(signal)),
      ),
    }),

    config: router({
      get: publicProcedure.query(() => core.settings.view()),
      update: publicProcedure.input(configUpdateSchema).mutation(({ input }) => {
        const { overwrite, ...settings } = input;
        return core.settings.update(settings, { overwrite });
      }),
      changes: publicProcedure.subscription(({ signal }) =>
        subscriptionQueue<ConfigChange>((push) => core.settings.onChange(push), until(signal)),
      ),
    }),

    tools: router({
      list: publicProcedure.query(() => core.tools.list()),
      /** Stops a server and starts it again at once (Settings → Tools → `Restart`). */
      restart: publicProcedure
        .input(z.strictObject({ server: z.string().min(1) }))
        .mutation(({ input }) => core.tools.restart(input.server)),
      /** The whole list at once, then again on every change of a server's status or tools. */
      changes: publicProcedure.subscription(({ signal }) =>
        subscriptionQueue<ToolServerInfo[]>(
          (push) => {
            push(core.tools.list());
            return core.tools.onChange(push);
            // Only the newest list matters to a subscriber that fell behind.
          },
          until(signal),
          { limit: 1 },
        ),
      ),
    }),

    conversations: conversationsRouter(core, until),
    attachments: attachmentsRouter(core),
    gatewayKeys: gatewayKeysRouter(core),
    search: searchProcedure(core),

    logs: router({
      recent: publicProcedure
        .input(
          z
            .strictObject({ limit: z.number().int().min(1).max(LOG_LIMIT_MAX).default(LOG_LIMIT_DEFAULT) })
            .default({ limit: LOG_LIMIT_DEFAULT }),
        )
        .query(({ input }) => core.logs.recent(input.limit)),
      tail: publicProcedure.subscription(({ signal }) => core.logs.tail(until(signal))),
      state: publicProcedure.query(() => core.logs.state()),
      setEnabled: publicProcedure
        .input(z.strictObject({ enabled: z.boolean() }))
        .mutation(({ input }) => core.setLogging(input.enabled)),
    }),
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;
