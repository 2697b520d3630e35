import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROME_PATH,
    headless: true,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      // A headless page must not be treated as hidden: timers and frames at full rate.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves a built folder under `<origin>/__bench/` from inside the browser (the server never sees
 * these requests), so that the naive page is same-origin with LightChat and can `POST /chat` to it.
 */
export async function serveFolderAt(page: Page, origin: string, dir: string): Promise<string> {
  const root = normalize(dir);
  await page.route(`${origin}/__bench/**`, async (route) => {
    const relative = decodeURIComponent(new URL(route.request().url()).pathname.slice('/__bench/'.length));
    const path = normalize(join(root, relative || 'index.html'));
    if (!path.startsWith(root + sep)) return route.fulfill({ status: 404 });
    try {
      const body = await readFile(path);
      return route.fulfill({
        status: 200,
        body,
        contentType: TYPES[extname(path)] ?? 'application/octet-stream',
      });
    } catch {
      return route.fulfill({ status: 404 });
    }
  });
  return `${origin}/__bench/index.html`;
}
