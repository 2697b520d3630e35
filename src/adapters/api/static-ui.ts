import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context } from 'hono';
import { UI_SECURITY_HEADERS } from './security.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LightChat</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>LightChat</h1>
<p>The web UI is not built yet. Run <code>npm run build</code> (or start LightChat with <code>npm run serve</code>,
which builds it when needed), then reload this page.</p>
<p>The API answers already: try <a href="/health">/health</a>.</p>
</body></html>
`;

/**
 * The built renderer: `/` and `/index.html` are its page, `/assets/*` its files. There are no
 * client-side routes, so nothing else falls back to the page.
 */
export function createStaticUi(staticDir: string) {
  const root = normalize(staticDir);

  async function send(c: Context, relative: string): Promise<Response | null> {
    const path = normalize(join(root, relative));
    if (!path.startsWith(root + sep)) return null;
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return null;
    }
    const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    // Vite names assets by content hash: they never change under one name.
    const cache = relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    return c.body(new Uint8Array(body), 200, {
      ...UI_SECURITY_HEADERS,
      'content-type': type,
      'cache-control': cache,
    });
  }

  return {
    async page(c: Context): Promise<Response> {
      const page = await send(c, 'index.html');
      if (page) return page;
      return c.body(NOT_BUILT_PAGE, 200, {
        ...UI_SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
    },
    /** An asset, or null (the caller answers the JSON 404). */
    asset(c: Context, name: string): Promise<Response | null> {
      return send(c, `assets/${name}`);
    },
  };
}
