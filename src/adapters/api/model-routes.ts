import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, Hono } from 'hono';
import { toSnakeKeys } from '../../domain/casing.js';
import {
  checkModelName,
  modelManagerOf,
  type PullEvent,
  pullEvents,
} from '../../domain/services/model-pulls.js';
import { shuttingDownError } from './chat-relay.js';
import type { RestContext } from './rest-routes.js';
import { readJson } from './rest-routes.js';
import { PING_INTERVAL_MS, SSE_HEADERS } from './sse.js';

/**
 * Ollama model management over REST (CONTRACT section 12). Model names go in the body or the query:
 * they hold `/` and `:`. A pull streams as SSE and is cancelled when the client closes the request.
 */
export function registerModelRoutes(
  app: Hono<{ Bindings: HttpBindings }>,
  { core, closing, streams }: RestContext,
): void {
  const managerOf = (c: Context) => modelManagerOf(core.providers.resolve(c.req.param('providerId')));
  const modelIn = async (c: Context) => checkModelName((await readJson(c).then(asRecord)).model);

  app.post('/models/:providerId/pull', async (c) => {
    const manager = managerOf(c);
    const model = await modelIn(c);
    const relay = pullAsSse(c.env.outgoing, pullEvents, { manager, model, closing });
    streams.add(relay);
    void relay.finally(() => streams.delete(relay));
    return RESPONSE_ALREADY_SENT;
  });

  app.delete('/models/:providerId', async (c) => {
    const manager = managerOf(c);
    await manager.delete(checkModelName(c.req.query('model')), c.req.raw.signal);
    c.header('cache-control', 'no-store');
    return c.body(null, 204);
  });

  app.post('/models/:providerId/unload', async (c) => {
    const manager = managerOf(c);
    await manager.unload(await modelIn(c), c.req.raw.signal);
    c.header('cache-control', 'no-store');
    return c.body(null, 204);
  });
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** `event: progress|done|error` frames, snake_case like every REST answer. */
function frame(event: PullEvent): string {
  const { type, ...data } = event;
  return `event: ${type}\ndata: ${JSON.stringify(toSnakeKeys(data))}\n\n`;
}

interface PullRelay {
  manager: Parameters<typeof pullEvents>[0];
  model: string;
  closing: AbortSignal;
}

/**
 * Writes one pull as SSE until `done` or `error`. The client closing the request cancels the pull
 * (the download stops); the server shutting down ends it with `SERVER_SHUTTING_DOWN`.
 */
async function pullAsSse(
  res: HttpBindings['outgoing'],
  events: typeof pullEvents,
  { manager, model, closing }: PullRelay,
): Promise<void> {
  const stop = new AbortController();
  const onClose = () => stop.abort();
  res.on('close', onClose);
  closing.addEventListener('abort', onClose, { once: true });
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  // Verifying a large model's digest can take minutes with no progress to report.
  const ping = setInterval(() => res.write(': ping\n\n'), PING_INTERVAL_MS);
  ping.unref();
  try {
    for await (const event of events(manager, model, stop.signal)) {
      if (res.destroyed) break;
      res.write(frame(event));
    }
    if (closing.aborted && !res.destroyed) {
      const error = shuttingDownError();
      res.write(
        frame({ type: 'error', errorCode: error.code, message: error.message, details: error.details }),
      );
    }
  } finally {
    clearInterval(ping);
    res.off('close', onClose);
    closing.removeEventListener('abort', onClose);
    if (!res.writableEnded) res.end();
  }
}
