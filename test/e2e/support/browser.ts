import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type LaunchOptions, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const RESULTS_DIR = fileURLToPath(new URL('../../../test-results/', import.meta.url));

/** Debian's Chromium (or CHROME_PATH): Playwright cannot download its own browser here. */
export const BROWSER_OPTIONS: LaunchOptions = {
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

declare module 'vitest' {
  interface ProvidedContext {
    /** The Chromium that `test/e2e/global-setup.ts` started for the whole run (empty: none). */
    browserEndpoint: string;
  }
}

/**
 * A connection to the run's one Chromium (started by the e2e global setup: a launch per file cost
 * more than a file's quick tests); its contexts are the file's own, and `close()` closes them and
 * leaves the browser to the other files. Without that browser, a Chromium of its own.
 */
export function launchBrowser(): Promise<Browser> {
  const endpoint = inject('browserEndpoint');
  return endpoint ? chromium.connect(endpoint) : chromium.launch(BROWSER_OPTIONS);
}

/** Everything the page reported that a user should never see: CSP violations and page errors. */
export interface PageProblems {
  csp: string[];
  errors: string[];
}

/** How the browser shows a page: its window size, colour scheme and motion preference. */
export interface PageLook {
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  reducedMotion?: 'reduce' | 'no-preference';
}

/**
 * A fresh page (own session storage) with a collector of CSP violations, from the page's
 * `securitypolicyviolation` events and from the console.
 */
export async function openPage(
  browser: Browser,
  url: string,
  options: PageLook = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems; following: Promise<void> }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1200, height: 820 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: options.reducedMotion ?? 'no-preference',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const problems: PageProblems = { csp: [], errors: [] };
  await context.exposeFunction('__reportCsp', (line: string) => problems.csp.push(line));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCsp: (line: string) => void }).__reportCsp;
      report(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.csp.push(message.text());
  });
  page.on('pageerror', (error) => problems.errors.push(error.message));
  // The page follows settings.yaml through a subscription (on its WebSocket); a hand edit made before
  // the subscription is sent goes unseen.
  const following = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the page never subscribed to config.changes')), 60_000);
    page.on('websocket', (socket) => {
      socket.on('framesent', (frame) => {
        if (!String(frame.payload).includes('config.changes')) return;
        clearTimeout(timer);
        resolve();
      });
    });
  });
  following.catch(() => undefined);
  await page.goto(url);
  return { context, page, problems, following };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name}.png`;
  await page.screenshot({ path });
  return path;
}
