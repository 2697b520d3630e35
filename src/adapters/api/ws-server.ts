import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { TRPCError } from '@trpc/server';
import { type Encoder, getWSConnectionHandler, jsonEncoder } from '@trpc/server/adapters/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { AppError } from '../../domain/errors.js';
import { shuttingDownError } from './chat-relay.js';
import { HTTP_STATUS } from './error-status.js';
import { errorBody } from './rest-errors.js';
import type { AppRouter } from './router.js';
import { refuseForeignRequest } from './security.js';

/** A WebSocket message larger than this closes the connection (1009), like a REST body over 1 MiB. */
export const WS_MESSAGE_LIMIT_BYTES = 1024 * 1024;
/** Keep-alive: a ping this often; a connection that misses the pong is dropped. */
const PING_MS = 15_000;
const PONG_WAIT_MS = 10_000;
/** The close code a client sees when the server goes away (RFC 6455 "going away"). */
const GOING_AWAY = 1001;
/** How long shutdown waits for clients to answer the close handshake. */
const CLOSE_WAIT_MS = 500;

/** The connection parameters a client sent in its first message (`wsLink`'s `connectionParams`). */
export type ConnectionParams = Record<string, string | undefined> | null;

export interface TrpcWebSocketOptions {
  router: AppRouter;
  /** The port the server listens on: the Host and Origin checks need it. */
  port: () => number;
  /**
   * The token check of CONTRACT section 4: the upgrade request and the connection parameters the
   * client sent first (a browser's WebSocket cannot send an `Authorization` header, so the page puts
   * its token there). Returns the error to refuse with, or null. Default: everyone passes.
   */
  authorize?: (request: IncomingMessage, params: ConnectionParams) => AppError | null;
}

export interface TrpcWebSocket {
  /** The HTTP server's `upgrade` listener: checks the request, then hands it to tRPC or refuses it. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open connections (tests). */
  readonly connections: number;
  /** True while some connection still has a subscription running. */
  readonly streaming: boolean;
  /** Closes every connection ("going away") and refuses new ones. Call once open streams ended. */
  close(): Promise<void>;
}

/**
 * tRPC over WebSocket on `/trpc`: the web UI's subscriptions share one connection per tab (CONTRACT
 * section 5). An upgrade does not pass through the HTTP request handler, so the Host, Origin and
 * token checks of section 4 run here, on the upgrade request itself.
 */
export function createTrpcWebSocket(options: TrpcWebSocketOptions): TrpcWebSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MESSAGE_LIMIT_BYTES });
  /** Each connection's running subscriptions (ids), learnt from what tRPC sends. */
  const running = new Map<WebSocket, Set<string | number>>();
  const authorize = options.authorize ?? (() => null);
  let closed = false;

  const connectionHandler = (subscriptions: Set<string | number>) =>
    getWSConnectionHandler({
      router: options.router,
      wss,
      keepAlive: { enabled: true, pingMs: PING_MS, pongWaitMs: PONG_WAIT_MS },
      experimental_encoder: trackingEncoder(subscriptions),
      // Runs before any call of the connection is answered; a refusal is sent as an error and the
      // connection is closed.
      createContext: ({ req, info }) => {
        const refused = authorize(req, info.connectionParams);
        if (refused) throw new TRPCError({ code: 'UNAUTHORIZED', message: refused.message, cause: refused });
        return {};
      },
    });

  wss.on('connection', (client: WebSocket, request: IncomingMessage) => {
    const subscriptions = new Set<string | number>();
    running.set(client, subscriptions);
    client.once('close', () => running.delete(client));
    connectionHandler(subscriptions)(client, request);
  });

  return {
    upgrade(request, socket, head) {
      const refused = closed ? shuttingDownError() : refuseUpgrade(request, options.port());
      if (refused) return refuseSocket(socket, refused);
      wss.handleUpgrade(request, socket, head, (client) => wss.emit('connection', client, request));
    },
    get connections() {
      return running.size;
    },
    get streaming() {
      for (const subscriptions of running.values()) if (subscriptions.size > 0) return true;
      return false;
    },
    async close() {
      closed = true;
      const clients = [...running.keys()];
      const gone = clients.map(
        (client) => new Promise<void>((resolve) => client.once('close', () => resolve())),
      );
      for (const client of clients) client.close(GOING_AWAY, 'LightChat is shutting down');
      // A client that does not answer the close handshake in time is cut off.
      const timer = setTimeout(() => {
        for (const client of clients) client.terminate();
      }, CLOSE_WAIT_MS);
      await Promise.all(gone);
      clearTimeout(timer);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The Host and Origin checks of section 4 on an upgrade request, then the path: only `/trpc`. */
function refuseUpgrade(request: IncomingMessage, port: number): AppError | null {
  const foreign = refuseForeignRequest(request.headers, port);
  if (foreign) return foreign;
  const path = (request.url ?? '').split('?')[0] ?? '';
  if (path === '/trpc' || path === '/trpc/') return null;
  return new AppError('NOT_FOUND', `There is no WebSocket at ${path.slice(0, 200)}: use /trpc.`, {
    details: { path: path.slice(0, 200) },
  });
}

/** Answers an upgrade with a plain HTTP error and closes the connection: no WebSocket is made. */
function refuseSocket(socket: Duplex, error: AppError): void {
  const status = HTTP_STATUS[error.code];
  const body = JSON.stringify(errorBody(error));
  if (!socket.writable) return void socket.destroy();
  const reason = STATUS_CODES[status] ?? 'Error';
  socket.end(
    [
      `HTTP/1.1 ${status} ${reason}`,
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      'cache-control: no-store',
      'x-content-type-options: nosniff',
      'connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

/**
 * JSON on the wire, as tRPC's own encoder; on the way it notes which subscriptions of the connection
 * are running (tRPC answers `started`, and at the end `stopped` or an error), so that shutdown can
 * wait for the streams' last events before it closes the connection.
 */
function trackingEncoder(subscriptions: Set<string | number>): Encoder {
  return {
    decode: jsonEncoder.decode,
    encode(data) {
      const message = data as { id?: string | number | null; result?: { type?: string }; error?: unknown };
      if (message.id !== undefined && message.id !== null) {
        if (message.result?.type === 'started') subscriptions.add(message.id);
        else if (message.result?.type === 'stopped' || message.error !== undefined)
          subscriptions.delete(message.id);
      }
      return jsonEncoder.encode(data);
    },
  };
}
