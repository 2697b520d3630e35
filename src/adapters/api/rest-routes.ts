import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { toCamelKeys, toSnakeKeys } from '../../domain/casing.js';
import type { ChatEvent } from '../../domain/chat.js';
import { AppError } from '../../domain/errors.js';
import {
  namesConversation,
  prepareStoredChat,
  recordTurn,
  startEvent,
} from '../../domain/services/stored-chat.js';
import { zodIssues } from '../../domain/services/validation.js';
import type { ApiServices } from './api-services.js';
import { shuttingDownError } from './chat-relay.js';
import { healthOf } from './health.js';
import { LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX } from './log-limits.js';
import { MalformedRequest } from './rest-errors.js';
import { answerAsSse } from './sse.js';

export interface RestContext {
  core: ApiServices;
  /** Aborted when the server shuts down: open streams end with `SERVER_SHUTTING_DOWN`. */
  closing: AbortSignal;
  /** Open chat streams, so that shutdown can wait for them to end. */
  streams: Set<Promise<void>>;
}

type App = Hono<{ Bindings: HttpBindings }>;

/** `POST /chat` body after `toCamelKeys`: a prompt or messages (exactly one), the rest for the core. */
const restChatSchema = z
  .strictObject({
    prompt: z.string().optional(),
    messages: z.array(z.unknown()).optional(),
    providerId: z.string().optional(),
    modelId: z.string().optional(),
    systemPrompt: z.string().nullish(),
    options: z.unknown().optional(),
  })
  .refine((body) => (body.prompt === undefined) !== (body.messages === undefined), {
    message: 'send exactly one of "prompt" or "messages"',
  });

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

  app.get('/logs', async (c) => json(c, await core.logs.recent(logLimit(c.req.query('limit')))));

  app.post('/chat', async (c) => {
    const body = toCamelKeys(await readJson(c));
    const stop = new AbortController();
    let events: AsyncIterable<ChatEvent>;
    if (namesConversation(body)) {
      // A stored chat: its turn is written before the provider is asked, and recorded as it streams.
      const { prepared, turn } = await prepareStoredChat(
        {
          chat: core.chat,
          conversations: core.conversations,
          onWriteError: (error) => logHistoryError(core, error),
        },
        body,
        c.req.raw.signal,
      );
      if (closing.aborted) {
        void turn.stop();
        throw shuttingDownError();
      }
      events = startingWith(
        startEvent(crypto.randomUUID(), turn),
        recordTurn(core.chat.stream(prepared, stop.signal), turn),
      );
    } else {
      const prepared = await core.chat.prepare(chatInput(body), c.req.raw.signal);
      if (closing.aborted) throw shuttingDownError();
      events = core.chat.stream(prepared, stop.signal);
    }
    const relay = answerAsSse(c.env.outgoing, events, stop, closing);
    streams.add(relay);
    void relay.finally(() => streams.delete(relay));
    return RESPONSE_ALREADY_SENT;
  });
}

function chatInput(body: unknown): unknown {
  const parsed = restChatSchema.safeParse(body);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    throw new AppError('VALIDATION_ERROR', `Invalid chat request: ${issues[0]?.message}`, {
      details: { issues },
    });
  }
  const { prompt, messages, ...rest } = parsed.data;
  return { ...rest, messages: prompt === undefined ? messages : [{ role: 'user', content: prompt }] };
}

async function* startingWith(first: ChatEvent, rest: AsyncIterable<ChatEvent>): AsyncGenerator<ChatEvent> {
  yield first;
  yield* rest;
}

/** A history write that failed (disk full…): the chat goes on; the log says why. */
function logHistoryError(core: ApiServices, error: AppError): void {
  core.logs.append({
    role: 'system',
    content: `History: ${error.message}`,
    eventType: 'history_error',
    details: { error_code: error.code, ...error.details },
  });
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
