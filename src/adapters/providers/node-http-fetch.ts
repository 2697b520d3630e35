import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The `fetch` Node started with: a test double (MSW, a stub) put in its place is used instead of this module. */
const nodeFetch = globalThis.fetch;

const REDIRECT = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([204, 205, 304]);

/**
 * A `fetch` for a provider's chat request sent straight (no proxy), over Node's http client instead
 * of its fetch (undici): for a short chat, fetch cost about 1 ms more CPU per request (bench row 2,
 * its request objects, web streams and WebAssembly parser), all of it before the first token. Only
 * what a chat request needs is done here: a string body or none, headers (an object or a Headers), the abort signal,
 * status, headers and a streamed body. Anything else (another kind of body, a redirect, a `fetch` put
 * in place by tests) goes through `globalThis.fetch`, as before. Failures look like fetch's: a
 * `TypeError` whose `cause` is the socket's error (its `code` is what the error messages name), the
 * signal's reason once aborted. Keep-alive: a body let go after the whole answer arrived is read to
 * its end, so its connection is used again; one let go earlier is closed, as fetch does.
 */
export const nodeHttpFetch: typeof fetch = (input, init) => {
  const headers = init?.headers;
  if (
    globalThis.fetch !== nodeFetch ||
    typeof input !== 'string' ||
    (init?.body != null && typeof init.body !== 'string') ||
    Array.isArray(headers)
  ) {
    return globalThis.fetch(input, init);
  }
  const url = new URL(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return globalThis.fetch(input, init);
  const signal = init?.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const body = init?.body ?? undefined;
  const method = init?.method ?? 'GET';
  // A plain object (the Ollama adapter's) or a Headers (the openai SDK's).
  const sent: Record<string, string | number> =
    headers instanceof Headers
      ? Object.fromEntries(headers)
      : { ...(headers as Record<string, string> | undefined) };
  if (body !== undefined) sent['content-length'] = Buffer.byteLength(body);

  return new Promise<Response>((resolve, reject) => {
    let response: IncomingMessage | undefined;
    /** The body stream, once the response is here: an abort errors it. */
    let failBody: ((reason: unknown) => void) | undefined;
    const onAbort = () => {
      const reason = signal?.reason;
      if (response) {
        failBody?.(reason);
        letGo(response);
      } else {
        request.destroy();
        reject(reason);
      }
    };
    const done = () => signal?.removeEventListener('abort', onAbort);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method, headers: sent }, (res) => {
      response = res;
      const status = res.statusCode ?? 0;
      res.once('close', done);
      // A failure after the headers reaches the reader through the body stream (or nobody is reading).
      res.on('error', () => {});
      if (REDIRECT.has(status) && res.headers.location) {
        // Followed the way fetch follows it: by fetch.
        res.resume();
        done();
        resolve(globalThis.fetch(input, init));
        return;
      }
      const stream = NULL_BODY.has(status) || method === 'HEAD' ? null : bodyOf(res);
      failBody = stream?.fail;
      try {
        resolve(
          new Response(stream?.body ?? null, {
            status,
            statusText: res.statusMessage,
            headers: headersOf(res),
          }),
        );
      } catch (error) {
        letGo(res);
        reject(new TypeError('fetch failed', { cause: error }));
      }
    });
    request.on('error', (error) => {
      done();
      if (!response)
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    request.end(body);
  });
};

/** Up to this much waits unread before the socket is paused. */
const UNREAD_LIMIT = 64 * 1024;

/**
 * A response's body as a web stream. What arrived while the reader was busy is handed over as one
 * chunk at its next read, as a Node stream's read() and fetch's body do: a provider sending flat out
 * came as one chunk per socket read (5,009 chunks for a 5,000-line answer, against 18 through fetch),
 * and each chunk costs its reader a read, a decode and an event. Nothing waits for a later one: a
 * read with nothing waiting gets the next chunk as it comes. The socket pauses while 64 KiB wait
 * unread (it was paused and resumed per chunk once: a stream of thousands paid twice the CPU).
 */
function bodyOf(res: IncomingMessage): { body: ReadableStream<Uint8Array>; fail: (reason: unknown) => void } {
  let open = true;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let unread: Buffer[] = [];
  let unreadBytes = 0;
  /** A read waits and nothing was there to give it. */
  let wanted = false;
  const handOver = () => {
    const chunk = unread.length === 1 ? unread[0]! : Buffer.concat(unread, unreadBytes);
    unread = [];
    unreadBytes = 0;
    wanted = false;
    controller.enqueue(chunk);
  };
  const fail = (reason: unknown) => {
    if (!open) return;
    open = false;
    unread = [];
    controller.error(reason);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        res.on('data', (chunk: Buffer) => {
          if (!open) return;
          unread.push(chunk);
          unreadBytes += chunk.byteLength;
          if (wanted) handOver();
          else if (unreadBytes >= UNREAD_LIMIT) res.pause();
        });
        res.once('end', () => {
          if (!open) return;
          open = false;
          if (unread.length > 0) handOver();
          controller.close();
        });
        res.once('error', (error) => fail(new TypeError('terminated', { cause: error })));
        res.once('close', () => {
          if (!res.complete) fail(new TypeError('terminated', { cause: new Error('the connection closed') }));
        });
      },
      // Called when a read waits (the queue holds nothing: highWaterMark 0).
      pull() {
        if (unread.length > 0) handOver();
        else wanted = true;
        res.resume();
      },
      cancel() {
        open = false;
        unread = [];
        letGo(res);
      },
    },
    { highWaterMark: 0 },
  );
  return { body, fail };
}

/** A body nobody reads any more: read to its end if it is all here (the connection is kept), else closed. */
function letGo(res: IncomingMessage): void {
  if (res.complete) res.resume();
  else res.destroy();
}

function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}
