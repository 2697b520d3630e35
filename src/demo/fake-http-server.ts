import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake provider received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** Chat requests by how they ended (live counters). */
export interface FakeProviderStats {
  /** Chat requests received. */
  started: number;
  /** Chat responses sent to the end. */
  completed: number;
  /** Chat responses whose client went away before the end. */
  aborted: number;
  /** Chat requests failed on purpose (refused, error status, cut mid-stream). */
  failed: number;
  /** TCP connections accepted (a client that keeps its connection alive opens one for many requests). */
  connections: number;
}

export interface FakeProviderServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly stats: FakeProviderStats;
  /** Every request received, oldest first (live array). */
  readonly requests: RecordedRequest[];
  /** Ends open streams (destroys their sockets) and stops listening. */
  close(): Promise<void>;
}

/** One request/response pair, with its body already read. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** Counts this request as a chat: started now; completed, aborted or failed when its response closes. */
  beginChat(): void;
  /** The chat fails on purpose (a fault): its end counts as failed, not completed or aborted. */
  markFailed(): void;
}

export type ExchangeHandler = (exchange: Exchange) => void | Promise<void>;

export interface FakeHttpServerOptions {
  handle: ExchangeHandler;
  /** Default 0: an ephemeral port. */
  port?: number;
}

export async function startFakeHttpServer(options: FakeHttpServerOptions): Promise<FakeProviderServer> {
  const stats: FakeProviderStats = { started: 0, completed: 0, aborted: 0, failed: 0, connections: 0 };
  const requests: RecordedRequest[] = [];
  let closing = false;

  const server = createServer((req, res) => {
    void readBody(req).then(
      async (raw) => {
        const exchange = createExchange(req, res, parseBody(raw));
        requests.push({
          method: exchange.method,
          path: exchange.path,
          body: exchange.body,
          headers: req.headers,
        });
        try {
          await options.handle(exchange);
        } catch (error) {
          if (!res.headersSent) sendJson(res, 500, { error: String(error) });
          else res.destroy();
        }
      },
      () => res.destroy(),
    );
  });

  server.on('connection', () => {
    stats.connections++;
  });

  function createExchange(req: IncomingMessage, res: ServerResponse, body: unknown): Exchange {
    let failed = false;
    return {
      req,
      res,
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname,
      body,
      beginChat() {
        stats.started++;
        res.once('close', () => {
          if (failed) stats.failed++;
          else if (res.writableEnded) stats.completed++;
          else if (!closing) stats.aborted++;
        });
      },
      markFailed() {
        failed = true;
      },
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    requests,
    close() {
      closing = true;
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, JSON.stringify(value), {
    'content-type': 'application/json; charset=utf-8',
    ...headers,
  });
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
