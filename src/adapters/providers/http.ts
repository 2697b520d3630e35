import { isLoopbackUrl } from '../../domain/settings.js';
import { nodeHttpFetch } from './node-http-fetch.js';

/**
 * How a provider's requests reach it: straight, or through an HTTP(S) proxy. Node's global `fetch`
 * bundles its own undici, which does not accept agents from the `undici` package, so a proxied
 * provider gets undici's own `fetch` with a `ProxyAgent` (STACK-NOTES "Proxies").
 */
export type ProxyRoute =
  | { via: 'direct'; reason: 'loopback' | 'no_proxy' | 'none' }
  | { via: 'proxy'; url: string; source: 'settings' | 'env' };

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The proxy the operating system's settings give for a host (desktop: Chromium's answer, PAC
 * files included), or null for direct. Asked only when neither the settings nor the environment decide.
 */
export type SystemProxy = (host: string) => Promise<string | null>;

export interface ProviderTarget {
  host: string;
  proxy?: string | undefined;
  env: Env;
  systemProxy?: SystemProxy | undefined;
}

/** Loopback never; the provider's own `proxy` first; else HTTPS_PROXY/HTTP_PROXY unless NO_PROXY. */
export function proxyRoute(target: ProviderTarget): ProxyRoute {
  if (isLoopbackUrl(target.host)) return { via: 'direct', reason: 'loopback' };
  if (target.proxy) return { via: 'proxy', url: target.proxy, source: 'settings' };
  if (!URL.canParse(target.host)) return { via: 'direct', reason: 'none' };
  const url = new URL(target.host);
  const env = target.env;
  const fromEnv =
    url.protocol === 'https:'
      ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy)
      : (env.HTTP_PROXY ?? env.http_proxy ?? env.ALL_PROXY ?? env.all_proxy);
  if (!fromEnv) return { via: 'direct', reason: 'none' };
  if (matchesNoProxy(url, env.NO_PROXY ?? env.no_proxy)) return { via: 'direct', reason: 'no_proxy' };
  return { via: 'proxy', url: fromEnv, source: 'env' };
}

/** NO_PROXY as curl reads it: `*`, host names (a leading `.` or `*.` allowed), optional `:port`. */
export function matchesNoProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((rawEntry) => {
      if (rawEntry === '*') return true;
      const [name = '', entryPort] = rawEntry
        .toLowerCase()
        .replace(/^\*?\./, '')
        .split(/:(?=\d+$)/);
      if (entryPort && entryPort !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}

/**
 * The `fetch` a provider's SDK is given. Undici is loaded on the first proxied request only, so
 * start-up and local providers never pay for it. Direct requests go through `globalThis.fetch`,
 * looked up per call (test doubles such as MSW patch it after this module loads). `chatFetch` is
 * the one for chat requests: Node's http client when the route is straight to the host and nothing
 * is left to pick (no proxy, no system proxy to ask), else the same `fetch`.
 */
export function createProviderFetch(target: ProviderTarget): {
  fetch: typeof fetch;
  chatFetch: typeof fetch;
  route: ProxyRoute;
} {
  const route = proxyRoute(target);
  const direct: typeof fetch = (input, init) => globalThis.fetch(input, init);
  const { systemProxy } = target;
  if (route.via === 'direct' && route.reason === 'none' && systemProxy) {
    // Resolved on the first request, for this provider's own host (a bypassed LAN host goes direct).
    let chosen: Promise<typeof fetch> | undefined;
    const choose = async () => {
      const proxyUrl = await systemProxy(target.host).catch(() => null);
      return proxyUrl ? loadProxiedFetch(proxyUrl) : direct;
    };
    const chosenFetch: typeof fetch = async (input, init) => {
      chosen ??= choose();
      return (await chosen)(input, init);
    };
    return { route, fetch: chosenFetch, chatFetch: chosenFetch };
  }
  if (route.via === 'direct') return { route, fetch: direct, chatFetch: nodeHttpFetch };
  let proxied: Promise<typeof fetch> | undefined;
  const proxyUrl = route.url;
  const proxiedFetch: typeof fetch = async (input, init) => {
    proxied ??= loadProxiedFetch(proxyUrl);
    return (await proxied)(input, init);
  };
  return { route, fetch: proxiedFetch, chatFetch: proxiedFetch };
}

async function loadProxiedFetch(proxyUrl: string): Promise<typeof fetch> {
  const undici = await import('undici');
  // No undici timeouts: the ChatService owns first-token and idle timeouts (a model may load for minutes).
  const dispatcher = new undici.ProxyAgent({ uri: proxyUrl, headersTimeout: 0, bodyTimeout: 0 });
  const proxiedFetch = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undici.fetch(input as Parameters<typeof undici.fetch>[0], {
      ...(init as Parameters<typeof undici.fetch>[1]),
      dispatcher,
    });
  return proxiedFetch as unknown as typeof fetch;
}
