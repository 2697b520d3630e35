import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../domain/errors.js';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.js';

/** The loopback names a browser may use for this server (DNS rebinding defence: nothing else). */
const loopbackHosts = (port: number): string[] => [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];

/**
 * CONTRACT section 4: a foreign or missing `Host` is refused (DNS rebinding), and so is any request
 * from another page (a foreign `Origin`, or `Sec-Fetch-Site` cross-site/same-site), whatever its
 * method or content type. Returns the error to answer with, or null when the request may go on.
 */
export function refuseForeignRequest(headers: IncomingHttpHeaders, port: number): AppError | null {
  const refusedHost = refuseForeignHost(headers, port);
  if (refusedHost) return refusedHost;
  const hosts = loopbackHosts(port);
  const origin = headers.origin;
  if (origin !== undefined && !hosts.some((allowed) => origin.toLowerCase() === `http://${allowed}`)) {
    return new AppError('FORBIDDEN_ORIGIN', 'LightChat does not answer requests sent by other web pages.', {
      details: { origin: origin.slice(0, 200) },
    });
  }
  return refuseOtherSites(headers);
}

/**
 * The same checks for the gateway (`/v1/*`, CONTRACT section 13): the Host check stays; a request
 * with an `Origin` is a web page's, answered only when that origin is in `gateway.cors_origins`.
 */
export function refuseForeignGatewayRequest(
  headers: IncomingHttpHeaders,
  port: number,
  corsOrigins: readonly string[],
): AppError | null {
  const refusedHost = refuseForeignHost(headers, port);
  if (refusedHost) return refusedHost;
  const origin = headers.origin;
  if (origin === undefined) return refuseOtherSites(headers);
  if (corsOrigins.includes(origin.toLowerCase())) return null;
  return new AppError(
    'FORBIDDEN_ORIGIN',
    `LightChat's gateway does not answer web pages from ${origin.slice(0, 200)}. To allow this web app, add its origin to gateway.cors_origins in settings.yaml.`,
    { details: { origin: origin.slice(0, 200) } },
  );
}

/** `/v1` and below, the gateway's routes, parsed as the router parses paths (dot segments resolved). */
export function isGatewayPath(url: string | undefined): boolean {
  const path = routerPath(url);
  return path === '/v1' || (path?.startsWith('/v1/') ?? false);
}

function refuseForeignHost(headers: IncomingHttpHeaders, port: number): AppError | null {
  const hosts = loopbackHosts(port);
  const host = (headers.host ?? '').trim().toLowerCase();
  if (hosts.includes(host)) return null;
  return new AppError(
    'FORBIDDEN_HOST',
    `LightChat answers only requests addressed to ${hosts[0]} or localhost:${port}.`,
    { details: { host: host === '' ? null : host.slice(0, 200) } },
  );
}

/** A page of another site that sends no `Origin` (an `<img>`, a top-level form) still says where it comes from. */
function refuseOtherSites(headers: IncomingHttpHeaders): AppError | null {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return new AppError('FORBIDDEN_ORIGIN', 'LightChat does not answer requests sent by other web pages.', {
      details: { sec_fetch_site: site },
    });
  }
  return null;
}

/** The path as the router sees it; undefined when the URL cannot be read. */
function routerPath(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return undefined;
  }
}

/** What the token check needs: whether the token is required now, and a constant-time comparison. */
export interface ApiAuth {
  required(): boolean;
  matches(token: string): boolean;
}

/** Routes anyone on this machine may call: the health check and the page that asks for the token. */
function isOpenRoute(method: string | undefined, url: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  // Parsed the way the router parses it (dot segments resolved), so `/assets/../config` is not open.
  const path = routerPath(url);
  if (path === undefined) return false;
  return path === '/health' || path === '/' || path === '/index.html' || path.startsWith('/assets/');
}

/** `Authorization: Bearer <token>` → the token, or undefined. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * CONTRACT section 4: while `api.auth` is on, every route except `GET /health` and the web UI's files
 * needs the API token. Returns the error to answer with (401 `UNAUTHORIZED`), or null. The message
 * says how to get the token and never contains it.
 */
export function refuseWithoutToken(
  request: { method?: string; url?: string; headers: IncomingHttpHeaders },
  auth: ApiAuth,
): AppError | null {
  if (!auth.required() || isOpenRoute(request.method, request.url)) return null;
  const token = bearerToken(request.headers.authorization);
  if (token !== undefined && auth.matches(token)) return null;
  return new AppError(
    'UNAUTHORIZED',
    token === undefined
      ? 'This request needs the LightChat API token: send the header `Authorization: Bearer <token>`. Print the token with `npm exec lightchat token`; the desktop app has File → Open in Browser.'
      : 'The API token is wrong (it may have been rotated). Print the current one with `npm exec lightchat token`; the desktop app has File → Open in Browser.',
    { details: { reason: token === undefined ? 'missing' : 'wrong' } },
  );
}

/** The web UI's headers: only what Mantine's styles and the code highlighter need. */
export const UI_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The token check of a WebSocket connection: a browser's WebSocket cannot send headers, so the page
 * sends its token in the connection parameters of its first message; other clients may use the
 * upgrade request's `Authorization` header.
 */
export function refuseWebSocketWithoutToken(
  headers: IncomingHttpHeaders,
  params: Record<string, string | undefined> | null,
  auth: ApiAuth,
): AppError | null {
  const token = params?.token;
  const authorization = token ? `Bearer ${token}` : headers.authorization;
  return refuseWithoutToken({ method: 'GET', url: '/trpc', headers: { ...headers, authorization } }, auth);
}
