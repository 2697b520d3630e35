import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
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

/** Text worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.wasm', '.txt']);

type Encoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Brotli quality 5, not the maximum 11: the page's 460 KB entry chunk takes ~100 ms instead of 4 s on
 * a loaded 2-core machine, for 10 % more bytes (and 6 % fewer than gzip -9); paid once per asset.
 */
function compress(body: Buffer, encoding: Encoding): Promise<Buffer> {
  return encoding === 'br'
    ? brotli(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 5,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      })
    : gzipped(body, { level: 9 });
}

/** The best encoding the request's `Accept-Encoding` allows (a `q=0` refuses one), else none. */
function chooseEncoding(accepted: string | undefined): Encoding | null {
  const allowed = new Set<string>();
  for (const part of (accepted ?? '').toLowerCase().split(',')) {
    const [name = '', ...params] = part.split(';').map((item) => item.trim());
    const q = params.find((param) => param.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) allowed.add(name);
  }
  if (allowed.has('br')) return 'br';
  if (allowed.has('gzip')) return 'gzip';
  return null;
}

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
 * client-side routes, so nothing else falls back to the page. Text is sent compressed when the
 * browser accepts it; an asset is read and compressed once, then served from memory.
 */
export function createStaticUi(staticDir: string) {
  const root = normalize(staticDir);
  // Vite names assets by content hash: one name never changes content, so its bytes can be kept.
  // Keyed by name and encoding ('' for the file as it is); a pending read is shared by its requests.
  const assets = new Map<string, Promise<Buffer | null>>();

  async function read(path: string, encoding: Encoding | null): Promise<Buffer | null> {
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return null;
    }
    return encoding === null ? body : compress(body, encoding);
  }

  async function send(c: Context, relative: string): Promise<Response | null> {
    const path = normalize(join(root, relative));
    if (!path.startsWith(root + sep)) return null;
    const extension = extname(path).toLowerCase();
    const encoding = COMPRESSIBLE.has(extension) ? chooseEncoding(c.req.header('accept-encoding')) : null;
    const immutable = relative.startsWith('assets/');
    let body: Buffer | null;
    if (immutable) {
      const key = `${encoding ?? ''}:${relative}`;
      let pending = assets.get(key);
      if (!pending) {
        pending = read(path, encoding);
        assets.set(key, pending);
      }
      body = await pending;
      // A missing file may appear later (a build in progress): not remembered.
      if (body === null) assets.delete(key);
    } else body = await read(path, encoding);
    if (body === null) return null;
    return c.body(new Uint8Array(body), 200, {
      ...UI_SECURITY_HEADERS,
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-length': String(body.length),
      ...(encoding === null ? {} : { 'content-encoding': encoding }),
      ...(COMPRESSIBLE.has(extension) ? { vary: 'accept-encoding' } : {}),
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
