type Env = Record<string, string | undefined>;

const PROXY_KEYS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * Honours the system's proxy settings (macOS Network settings, PAC files) when the environment
 * names no proxy: Chromium resolves it (`session.resolveProxy`), and the providers read the usual
 * variables. Returns the proxy URL it set, or null.
 */
export async function applySystemProxy(input: {
  env: Env;
  resolveProxy(url: string): Promise<string>;
}): Promise<string | null> {
  if (PROXY_KEYS.some((key) => input.env[key])) return null;
  const rule = await input.resolveProxy('https://api.openai.com/');
  const proxy = proxyUrlOf(rule);
  if (!proxy) return null;
  input.env.HTTPS_PROXY = proxy;
  input.env.HTTP_PROXY = proxy;
  input.env.NO_PROXY ??= 'localhost,127.0.0.1,::1';
  return proxy;
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
