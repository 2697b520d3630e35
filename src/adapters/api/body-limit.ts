import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export interface BodyLimitOptions {
  maxSize: number;
  /** The answer to a body over `maxSize` (the route's own error shape). */
  onError: (c: Context) => Response | Promise<Response>;
}

/**
 * The one request body limit of the HTTP server: a body that declares its length (and is not
 * chunked) is judged by that header; only a chunked body is counted as it is read. Hono's own
 * `bodyLimit` looks at `c.req.raw.body` first, which builds the web Request and a web stream of the
 * body for every request; reading a chat's JSON through it cost more than the rest of its route
 * (bench rows 2 and 13b). A GET or HEAD has no body to limit.
 */
export function limitBody(options: BodyLimitOptions): MiddlewareHandler {
  const counted = bodyLimit(options);
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > options.maxSize ? options.onError(c) : next();
    }
    return counted(c, next);
  };
}
