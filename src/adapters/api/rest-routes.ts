import { setImmediate as afterPendingWork } from 'node:timers/promises';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { toCamelKeys, toSnakeKeys } from '../../domain/casing.js';
import { AppError } from '../../domain/errors.js';
import { zodIssues } from '../../domain/services/validation.js';
import { TOOL_DECISIONS } from '../../domain/tools/tool-approvals.js';
import type { ApiServices } from './api-services.js';
import { healthOf } from './health.js';
import { LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX } from './log-limits.js';
import { MalformedRequest } from './rest-errors.js';
import { answerChatAsSse } from './sse.js';

export interface RestContext {
  core: ApiServices;
  /** Aborted when the server shuts down: open streams end with `SERVER_SHUTTING_DOWN`. */
  closing: AbortSignal;
  /** Open chat streams, so that shutdown can wait for them to end. */
  streams: Set<Promise<void>>;
}

type App = Hono<{ Bindings: HttpBindings }>;

/** The REST routes of CONTRACT section 3: snake_case on the wire, the core's camelCase inside. */
export function registerRestRoutes(app: App, { core, closing, streams }: RestContext): void {
  app.get('/health', (c) => json(c, healthOf(core)));

  app.get('/providers', async (c) => json(c, await core.providers.list(c.req.raw.signal)));

  app.get('/models/:providerId', async (c) => {
    const provider = core.providers.resolve(c.req.param('providerId'));
    return json(c, await provider.listModels(c.req.raw.signal));
  });

  app.get('/config', (c) => json(c, core.settings.view()));

  app.put('/config', async (c) => {
    const overwrite = ['1', 'true'].includes(c.req.query('overwrite') ?? '');
    return json(c, await core.settings.update(toCamelKeys(await readJson(c)), { overwrite }));
  });

  app.get('/tools', (c) => json(c, core.tools.list()));

  // Stops a server and starts it again at once, its backoff reset (Settings → Tools → `Restart`).
  app.post('/tools/:server/restart', async (c) => json(c, await core.tools.restart(c.req.param('server'))));

  // Answers a tool call that waits for approval (CONTRACT section 11), from any client.
  app.post('/chats/:chatId/tool-calls/:id', async (c) => {
    const { decision } = parseDecision(await readJson(c));
    const chatId = c.req.param('chatId');
    const id = c.req.param('id');
    await core.toolApprovals.decide(chatId, id, decision);
    return json(c, { chatId, id, decision });
  });

  app.get('/logs', async (c) => json(c, await core.logs.recent(logLimit(c.req.query('limit')))));

  app.post('/chat', async (c) => {
    const body = toCamelKeys(await readJson(c));
    // One engine for every transport: the registry writes a stored chat's turn and knows its id.
    const started = await core.chats.start(body, c.req.raw.signal, { closing });
    // A stored chat asked its provider as its turn was written, in `start`: that request leaves
    // before this response is set up (headers, the writer, `start` replayed), not behind it, as a
    // stateless chat's does (its provider is asked once attached). 0.3 ms of a stored chat's time
    // to first token (median, bench 12a), and the headers and `start` still go in one write.
    if (started.conversationId !== undefined) await afterPendingWork();
    const relay = answerChatAsSse(c.env.outgoing, core.chats, started.chatId);
    streams.add(relay);
    void relay.finally(() => streams.delete(relay));
    return RESPONSE_ALREADY_SENT;
  });
}

const decisionSchema = z.strictObject({ decision: z.enum(TOOL_DECISIONS) });

function parseDecision(body: unknown): z.infer<typeof decisionSchema> {
  const parsed = decisionSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new AppError(
    'VALIDATION_ERROR',
    'Send {"decision": "approve"}, {"decision": "deny"} or {"decision": "always"}.',
    { details: { issues: zodIssues(parsed.error) } },
  );
}

export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MalformedRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function logLimit(raw: string | undefined): number {
  if (raw === undefined) return LOG_LIMIT_DEFAULT;
  if (!/^\d+$/.test(raw))
    throw new MalformedRequest(`limit must be a whole number, got "${raw.slice(0, 50)}".`);
  const limit = Number(raw);
  if (limit < 1 || limit > LOG_LIMIT_MAX) {
    throw new AppError('VALIDATION_ERROR', `limit must be between 1 and ${LOG_LIMIT_MAX}, got ${limit}.`, {
      details: { issues: [{ path: ['limit'], message: `must be between 1 and ${LOG_LIMIT_MAX}` }] },
    });
  }
  return limit;
}

export const json = (c: Context, body: unknown, status: 200 | 201 = 200): Response => {
  c.header('cache-control', 'no-store');
  c.header('x-content-type-options', 'nosniff');
  return c.json(toSnakeKeys(body) as object, status);
};
