import type { HttpBindings } from '@hono/node-server';
import type { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { zodIssues } from '../../domain/services/validation.js';
import type { ApiServices } from './api-services.js';
import { json, readJson } from './rest-routes.js';

const createSchema = z.strictObject({ name: z.string() });

/**
 * CONTRACT section 13: the gateway's keys, managed with the admin token (these routes are behind the
 * token check like every other one). A key is shown once, when it is created.
 */
export function registerGatewayKeyRoutes(app: Hono<{ Bindings: HttpBindings }>, core: ApiServices): void {
  app.get('/gateway-keys', async (c) => json(c, await core.gatewayKeys.list()));

  app.post('/gateway-keys', async (c) => {
    const parsed = createSchema.safeParse(await readJson(c));
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError('VALIDATION_ERROR', `Send {"name": "<a name for the key>"}: ${issues[0]?.message}`, {
        details: { issues },
      });
    }
    return json(c, await core.gatewayKeys.create(parsed.data.name), 201);
  });

  app.delete('/gateway-keys/:name', async (c) => {
    await core.gatewayKeys.revoke(c.req.param('name'));
    c.header('cache-control', 'no-store');
    return c.body(null, 204);
  });
}
