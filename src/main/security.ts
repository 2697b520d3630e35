import { CONTENT_SECURITY_POLICY } from '../adapters/api/content-security-policy.js';
import type { RendererLocation } from './renderer-location.js';

/** Links from chat answers open in the user's browser or mail app, nothing else (no file:, no custom schemes). */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'mailto:';
  } catch {
    return false;
  }
}

/**
 * The window's Content-Security-Policy: the web UI's policy, plus what Vite's dev server needs
 * (its inline React-refresh preamble and the HMR websocket) when the page comes from it.
 */
export function contentSecurityPolicy(renderer: Pick<RendererLocation, 'kind' | 'url'>): string {
  const policy = CONTENT_SECURITY_POLICY;
  if (renderer.kind !== 'dev-server') return policy;
  const ws = new URL(renderer.url);
  ws.protocol = 'ws:';
  return policy
    .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", `connect-src 'self' ${ws.origin}`);
}

export interface HardenedSession {
  setPermissionRequestHandler(
    handler: (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl?: string },
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (
      contents: unknown,
      permission: string,
      requestingOrigin: string,
      details: { requestingUrl?: string },
    ) => boolean,
  ): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { url: string; responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

/**
 * No page gets a permission (camera, notifications…) except our own page writing the clipboard
 * (Copy buttons: denying everything denies that too); our own page gets its CSP on every response.
 */
export function hardenSession(session: HardenedSession, renderer: RendererLocation): void {
  const allowed = (permission: string, url: string | undefined) =>
    permission === 'clipboard-sanitized-write' && url !== undefined && renderer.isOwnUrl(url);
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowed(permission, details.requestingUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    allowed(permission, details.requestingUrl),
  );
  const csp = contentSecurityPolicy(renderer);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!renderer.isOwnUrl(details.url) && !details.url.startsWith(rendererBase(renderer))) {
      callback({ responseHeaders: details.responseHeaders });
      return;
    }
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
    });
  });
}

/** The folder (file://) or origin (dev server) our page's own files come from. */
function rendererBase(renderer: Pick<RendererLocation, 'kind' | 'url'>): string {
  if (renderer.kind === 'dev-server') return `${new URL(renderer.url).origin}/`;
  return new URL('.', renderer.url).href;
}

export interface HardenedContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: { url: string; preventDefault(): void }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

/**
 * The page can neither navigate away nor open windows. A link the user clicks opens in the
 * browser when its URL passes the allow-list; everything else is dropped.
 */
export function hardenContents(
  contents: HardenedContents,
  openExternal: (url: string) => Promise<void>,
): void {
  const openOutside = (url: string) => {
    if (isAllowedExternalUrl(url)) openExternal(url).catch(() => undefined);
  };
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openOutside(event.url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
