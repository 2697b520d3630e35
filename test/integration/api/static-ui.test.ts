import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStaticUi } from '../../../src/adapters/api/static-ui.js';

const CHROMIUM_ACCEPTS = 'gzip, deflate, br, zstd';
// A script of about 40 KB that compresses well, as a real chunk does.
const SCRIPT = Array.from({ length: 800 }, (_, i) => `export const value${i} = 'answer ${i}';`).join('\n');

let dir: string;
let app: Hono;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lightchat-static-ui-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>LightChat UI</title>');
  await writeFile(join(dir, 'assets', 'app-1a2b.js'), SCRIPT);
  await writeFile(join(dir, 'assets', 'logo-3c4d.png'), Buffer.alloc(4096, 7));
  const ui = createStaticUi(dir);
  app = new Hono();
  app.get('/', (c) => ui.page(c));
  app.get('/assets/:name', async (c) => (await ui.asset(c, c.req.param('name'))) ?? c.text('missing', 404));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const get = async (path: string, acceptEncoding?: string) => {
  const response = await app.request(path, {
    headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
  });
  return { response, body: Buffer.from(await response.arrayBuffer()) };
};

describe("the web UI's files", () => {
  it('sends a script compressed with Brotli when the browser accepts it, a quarter of its size or less', async () => {
    const { response, body } = await get('/assets/app-1a2b.js', CHROMIUM_ACCEPTS);
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('vary')).toBe('accept-encoding');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Number(response.headers.get('content-length'))).toBe(body.length);
    expect(body.length).toBeLessThan(SCRIPT.length / 4);
    expect(brotliDecompressSync(body).toString()).toBe(SCRIPT);
  });

  it('falls back to gzip, then to the file as it is', async () => {
    const gzip = await get('/assets/app-1a2b.js', 'gzip, deflate');
    expect(gzip.response.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(SCRIPT);
    const plain = await get('/assets/app-1a2b.js');
    expect(plain.response.headers.get('content-encoding')).toBeNull();
    expect(plain.body.toString()).toBe(SCRIPT);
    const refused = await get('/assets/app-1a2b.js', 'br;q=0, gzip;q=0');
    expect(refused.response.headers.get('content-encoding')).toBeNull();
  });

  it('compresses a hashed asset once: later requests get the same bytes from memory', async () => {
    const first = await get('/assets/app-1a2b.js', CHROMIUM_ACCEPTS);
    // A hashed name never changes content; if the server read and compressed again, this would show.
    await writeFile(join(dir, 'assets', 'app-1a2b.js'), 'export const changed = true;');
    const again = await get('/assets/app-1a2b.js', CHROMIUM_ACCEPTS);
    expect(again.body.equals(first.body)).toBe(true);
  });

  it('sends images as they are (already compressed), and the page fresh from disk after a rebuild', async () => {
    const image = await get('/assets/logo-3c4d.png', CHROMIUM_ACCEPTS);
    expect(image.response.headers.get('content-encoding')).toBeNull();
    expect(image.body.length).toBe(4096);
    expect((await get('/', CHROMIUM_ACCEPTS)).response.headers.get('cache-control')).toBe('no-cache');
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Rebuilt</title>');
    const page = await get('/', CHROMIUM_ACCEPTS);
    const text =
      page.response.headers.get('content-encoding') === 'br'
        ? brotliDecompressSync(page.body).toString()
        : page.body.toString();
    expect(text).toContain('Rebuilt');
  });
});
