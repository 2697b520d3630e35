import type { HttpBindings } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import { toCamelKeys } from '../../domain/casing.js';
import { AppError } from '../../domain/errors.js';
import type { ApiServices } from './api-services.js';
import { MalformedRequest } from './rest-errors.js';
import { json, readJson } from './rest-routes.js';

type App = Hono<{ Bindings: HttpBindings }>;

export const CONVERSATIONS_LIMIT_MAX = 200;
export const SEARCH_LIMIT_MAX = 100;

/** The conversation routes of CONTRACT section 10 (import and export live beside them). */
export function registerConversationRoutes(app: App, core: ApiServices): void {
  const { conversations } = core;

  app.get('/conversations', async (c) =>
    json(
      c,
      await conversations.list({
        limit: limitOf(c.req.query('limit'), 50, CONVERSATIONS_LIMIT_MAX),
        cursor: c.req.query('cursor') ?? null,
      }),
    ),
  );

  app.post('/conversations', async (c) => {
    const created = await conversations.create(toCamelKeys(await readJson(c)));
    return json(c, created, 201);
  });

  app.delete('/conversations', async (c) => {
    if (c.req.query('all') !== 'true') {
      throw new AppError('VALIDATION_ERROR', 'Deleting every conversation needs ?all=true.', {
        details: { issues: [{ path: ['all'], message: 'must be true' }] },
      });
    }
    await conversations.deleteAll();
    return noContent(c);
  });

  // `last` and `before`: a window of the branch (a long conversation opens with its latest messages).
  app.get('/conversations/:id', async (c) => {
    const { through, before } = c.req.query();
    const last = c.req.query('last');
    return json(
      c,
      await conversations.get(c.req.param('id'), {
        ...(through === undefined ? {} : { through }),
        ...(before === undefined ? {} : { before }),
        ...(last === undefined ? {} : { last: wholeNumber('last', last) }),
      }),
    );
  });

  app.patch('/conversations/:id', async (c) =>
    json(c, await conversations.update(c.req.param('id'), toCamelKeys(await readJson(c)))),
  );

  app.delete('/conversations/:id', async (c) => {
    await conversations.delete(c.req.param('id'));
    return noContent(c);
  });

  app.delete('/conversations/:id/messages/:messageId', async (c) => {
    await conversations.deleteMessage(c.req.param('id'), c.req.param('messageId'));
    return noContent(c);
  });

  app.get('/search', async (c) => {
    const query = c.req.query('q') ?? '';
    const items = await conversations.search(query, limitOf(c.req.query('limit'), 20, SEARCH_LIMIT_MAX));
    return json(c, { items });
  });
}

const noContent = (c: Context): Response => c.body(null, 204);

/** A query parameter that must be a whole number (its range is checked where it is used). */
function wholeNumber(name: string, raw: string): number {
  if (!/^\d+$/.test(raw))
    throw new MalformedRequest(`${name} must be a whole number, got "${raw.slice(0, 50)}".`);
  return Number(raw);
}

function limitOf(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const limit = wholeNumber('limit', raw);
  if (limit < 1 || limit > max) {
    throw new AppError('VALIDATION_ERROR', `limit must be between 1 and ${max}, got ${limit}.`, {
      details: { issues: [{ path: ['limit'], message: `must be between 1 and ${max}` }] },
    });
  }
  return limit;
}
