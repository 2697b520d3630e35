import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

/** How much a route takes, and its own error past that. */
export interface BodyLimit {
  bytes: number;
  tooLarge: () => Error;
}

/** A large request body as it arrives, and the signal of its client leaving before it was whole. */
export interface StreamedBody {
  body: AsyncIterable<Uint8Array> | null;
  signal: AbortSignal;
}

/**
 * The body of an upload or an import, for routes that stream it to disk, refused once it passes
 * `limit` (the rest is not read, and the connection closes: it cannot carry another request).
 * Through Node's server it is read from the request itself: `c.req.raw.body` is Node's
 * `Readable.toWeb`, which copies every chunk (to detach it from the socket's pool), so a 20 MB
 * upload left 40 MB of buffers for the collector (bench row 15a). Nothing before these routes reads
 * their web body (see `limitBody`).
 */
export function streamedBody(c: Context<{ Bindings: HttpBindings }>, limit: BodyLimit): StreamedBody {
  const incoming = c.env?.incoming;
  const { body, signal } = incoming ? fromNode(incoming) : { body: c.req.raw.body, signal: c.req.raw.signal };
  return { body: body && limited(body, limit, c), signal };
}

function fromNode(incoming: HttpBindings['incoming']): StreamedBody {
  const left = new AbortController();
  incoming.once('close', () => {
    if (!incoming.complete) left.abort(new Error('The client left before the request body was whole.'));
  });
  return { body: incoming, signal: left.signal };
}

async function* limited(
  body: AsyncIterable<Uint8Array>,
  limit: BodyLimit,
  c: Context,
): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit.bytes) {
      c.header('connection', 'close');
      throw limit.tooLarge();
    }
    yield chunk;
  }
}
