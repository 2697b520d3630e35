import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { AppError } from '../../domain/errors.js';
import { registerGatewayRoutes } from '../gateway/gateway-routes.js';
import { openAIError } from '../gateway/openai-errors.js';
import type { ApiServices } from './api-services.js';
import { ATTACHMENTS_PATH, registerAttachmentRoutes } from './attachment-routes.js';
import { limitBody } from './body-limit.js';
import { registerConversationRoutes } from './conversation-routes.js';
import { HTTP_STATUS } from './error-status.js';
import { registerGatewayKeyRoutes } from './gateway-key-routes.js';
import { IMPORT_PATH, registerHistoryTransferRoutes } from './history-transfer-routes.js';
import { registerModelRoutes } from './model-routes.js';
import { defaultStaticDir } from './package-info.js';
import { errorBody, errorResponse, statusOf } from './rest-errors.js';
import { registerRestRoutes } from './rest-routes.js';
import {
  type ApiAuth,
  isGatewayPath,
  refuseForeignGatewayRequest,
  refuseForeignRequest,
  refuseWebSocketWithoutToken,
  refuseWithoutToken,
} from './security.js';
import { createStaticUi } from './static-ui.js';
import type { TrpcTransports } from './trpc-handler.js';
import type { TrpcWebSocket } from './ws-server.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
/** How long shutdown waits for open streams to end after telling them, before cutting connections. */
const SHUTDOWN_GRACE_MS = 1_000;

export interface HttpServerOptions {
  core: ApiServices;
  /** 0: a free port (tests). */
  port: number;
  /** Loopback only: LightChat never listens on other interfaces. */
  host?: '127.0.0.1';
  /** The built renderer (default `out/renderer` in the package). */
  staticDir?: string;
}

export interface HttpServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Graceful: stops accepting, ends open streams with `SERVER_SHUTTING_DOWN`, then closes. */
  close(): Promise<void>;
}

/**
 * One HTTP server for the REST API, `/trpc` and the web UI, on 127.0.0.1. Every request passes the
 * Host/Origin checks, then the API token check, before anything else runs. Rejects with the listen error (e.g. EADDRINUSE).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { core } = options;
  const host = options.host ?? '127.0.0.1';
  const closing = new AbortController();
  const streams = new Set<Promise<void>>();
  const open = new Set<ServerResponse>();
  const ui = createStaticUi(options.staticDir ?? defaultStaticDir());
  // tRPC is loaded on the first `/trpc` request or WebSocket: `serve` starts without it.
  let trpc: Promise<TrpcTransports> | undefined;
  let webSocket: TrpcWebSocket | undefined;
  const loadTrpc = () =>
    (trpc ??= import('./trpc-handler.js').then((module) => {
      const transports = module.createTrpcTransports(core, {
        closing: closing.signal,
        port: () => boundPort,
        authorize: (request, params) => refuseWebSocketWithoutToken(request.headers, params, auth),
      });
      webSocket = transports.webSocket;
      return transports;
    }));

  const app = new Hono<{ Bindings: HttpBindings }>();
  const oneMiB = limitBody({
    maxSize: BODY_LIMIT_BYTES,
    onError: (c) => {
      // The rest of the body is not read: the connection cannot carry another request.
      c.header('connection', 'close');
      return errorResponse(
        c,
        new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB.', {
          details: { limit_bytes: BODY_LIMIT_BYTES },
        }),
      );
    },
  });
  // The gateway has its own limit (32 MiB), checked after its key; an import file (200 MiB) and an
  // attachment (32 MiB) stream to disk: their routes count the bytes themselves.
  app.use('*', (c, next) =>
    isGatewayPath(c.req.url) ||
    (c.req.method === 'POST' && (c.req.path === IMPORT_PATH || c.req.path === ATTACHMENTS_PATH))
      ? next()
      : oneMiB(c, next),
  );
  registerGatewayRoutes(app, { core, closing: closing.signal, streams });
  registerRestRoutes(app, { core, closing: closing.signal, streams });
  registerModelRoutes(app, { core, closing: closing.signal, streams });
  registerConversationRoutes(app, core);
  registerHistoryTransferRoutes(app, core);
  registerGatewayKeyRoutes(app, core);
  registerAttachmentRoutes(app, core);
  app.get('/', (c) => ui.page(c));
  app.get('/index.html', (c) => ui.page(c));
  app.get('/assets/*', async (c) => {
    const asset = await ui.asset(c, assetName(c.req.path));
    if (!asset) throw notFoundError(c.req.method, c.req.path);
    return asset;
  });
  app.all('/trpc/*', async (c) => {
    const response = await (await loadTrpc()).http(c.req.raw);
    response.headers.set('x-content-type-options', 'nosniff');
    return response;
  });
  app.notFound((c) => errorResponse(c, notFoundError(c.req.method, c.req.path)));
  app.onError((error, c) => errorResponse(c, error, statusOf(error)));

  const auth: ApiAuth = {
    required: () => core.settings.effective().api.auth,
    matches: (token) => core.apiToken.matches(token),
  };
  const listener = getRequestListener(app.fetch);
  let boundPort = 0;
  // A request without Host must reach the check below (403 FORBIDDEN_HOST), not Node's own 400.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    // The gateway takes its own keys (checked in its routes), never the admin token, and its own origins.
    if (isGatewayPath(req.url)) {
      const corsOrigins = core.settings.effective().gateway.corsOrigins;
      const refused = refuseForeignGatewayRequest(req.headers, boundPort, corsOrigins);
      if (refused) return refuse(req, res, openAIError(refused));
    } else {
      const refused = refuseForeignRequest(req.headers, boundPort) ?? refuseWithoutToken(req, auth);
      if (refused) return refuse(req, res, restRefusal(refused));
    }
    open.add(res);
    res.once('close', () => open.delete(res));
    void listener(req, res);
  });
  // A WebSocket upgrade does not pass through the handler above: ws-server.ts runs the checks.
  server.on('upgrade', (req, socket, head) => {
    loadTrpc().then(
      (transports) => transports.webSocket.upgrade(req, socket, head),
      () => socket.destroy(),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  boundPort = (server.address() as AddressInfo).port;
  const url = `http://${host}:${boundPort}`;

  let closed: Promise<void> | undefined;
  return {
    port: boundPort,
    url,
    close() {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        closing.abort();
        server.closeIdleConnections();
        await waitUntil(
          () => open.size === 0 && streams.size === 0 && !webSocket?.streaming,
          SHUTDOWN_GRACE_MS,
        );
        await webSocket?.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}

interface Refusal {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const restRefusal = (error: AppError): Refusal => ({
  status: HTTP_STATUS[error.code],
  body: errorBody(error),
  headers: error.code === 'UNAUTHORIZED' ? { 'www-authenticate': 'Bearer realm="LightChat"' } : {},
});

/** A refused request gets its JSON error and the connection is closed; nothing else runs. */
function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  const body = JSON.stringify(refusal.body);
  res.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...refusal.headers,
    connection: 'close',
  });
  res.end(body);
  req.resume();
}

const notFoundError = (method: string, path: string) =>
  new AppError('NOT_FOUND', `There is no ${method} ${path.slice(0, 200)} in LightChat's API.`, {
    details: { method, path: path.slice(0, 200) },
  });

function assetName(path: string): string {
  try {
    return decodeURIComponent(path.slice('/assets/'.length));
  } catch {
    return '';
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
