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
  const hosts = loopbackHosts(port);
  const host = (headers.host ?? '').trim().toLowerCase();
  if (!hosts.includes(host)) {
    return new AppError(
      'FORBIDDEN_HOST',
      `LightChat answers only requests addressed to ${hosts[0]} or localhost:${port}.`,
      { details: { host: host === '' ? null : host.slice(0, 200) } },
    );
  }
  const origin = headers.origin;
  if (origin !== undefined && !hosts.some((allowed) => origin.toLowerCase() === `http://${allowed}`)) {
    return new AppError('FORBIDDEN_ORIGIN', 'LightChat does not answer requests sent by other web pages.', {
      details: { origin: origin.slice(0, 200) },
    });
  }
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return new AppError('FORBIDDEN_ORIGIN', 'LightChat does not answer requests sent by other web pages.', {
      details: { sec_fetch_site: site },
    });
  }
  return null;
}

/** The web UI's headers: only what Mantine's styles and the code highlighter need. */
export const UI_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
