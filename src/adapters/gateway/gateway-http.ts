import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiServices } from '../api/api-services.js';
import { MalformedRequest } from '../api/rest-errors.js';
import { openAIError } from './openai-errors.js';

export interface GatewayContext {
  core: ApiServices;
  /** Aborted when the server shuts down: open streams end with an error chunk. */
  closing: AbortSignal;
  /** Open streams, so that shutdown can wait for them to end. */
  streams: Set<Promise<void>>;
}

export type GatewayRequest = Context<{ Bindings: HttpBindings }>;

export function errorAnswer(c: Context, error: unknown): Response {
  const { status, body, headers } = openAIError(error);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (status === 401) c.header('www-authenticate', 'Bearer realm="LightChat gateway"');
  c.header('cache-control', 'no-store');
  c.header('x-content-type-options', 'nosniff');
  return c.json(body, status as ContentfulStatusCode);
}

export function answerJson(c: Context, body: unknown): Response {
  c.header('cache-control', 'no-store');
  c.header('x-content-type-options', 'nosniff');
  return c.json(body as object, 200);
}

/** A gateway request body: malformed JSON is 400. */
export async function readGatewayJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MalformedRequest(
      `We could not parse the JSON body of your request: ${(error as Error).message}`,
    );
  }
}
