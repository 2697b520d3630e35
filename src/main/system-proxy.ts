import type { SystemProxy } from '../adapters/providers/http.js';

type Env = Record<string, string | undefined>;

const PROXY_KEYS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * Honours the system's proxy settings (macOS Network settings, PAC files) when the environment
 * names no proxy: Chromium resolves each provider's own host (`session.resolveProxy`), so a LAN
 * server the settings bypass is reached directly. Answers are cached per origin. Null when the
 * environment names a proxy (the providers read it themselves).
 */
export function systemProxyResolver(input: {
  env: Env;
  resolveProxy(url: string): Promise<string>;
}): SystemProxy | null {
  if (PROXY_KEYS.some((key) => input.env[key])) return null;
  const byOrigin = new Map<string, Promise<string | null>>();
  return (host) => {
    if (!URL.canParse(host)) return Promise.resolve(null);
    const origin = new URL(host).origin;
    let proxy = byOrigin.get(origin);
    if (!proxy) {
      // A failed lookup means "no proxy known": the request goes direct, as without this resolver.
      proxy = input.resolveProxy(`${origin}/`).then(proxyUrlOf, () => null);
      byOrigin.set(origin, proxy);
    }
    return proxy;
  };
}

/** Chromium's answer is a PAC result: `DIRECT`, `PROXY host:port; DIRECT`, `HTTPS host:port`… */
export function proxyUrlOf(rule: string): string | null {
  for (const entry of rule.split(';')) {
    const [kind, hostPort] = entry.trim().split(/\s+/);
    if (!hostPort) continue;
    if (kind === 'PROXY' || kind === 'HTTP') return `http://${hostPort}`;
    if (kind === 'HTTPS') return `https://${hostPort}`;
  }
  return null;
}
