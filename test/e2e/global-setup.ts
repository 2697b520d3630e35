import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { BROWSER_OPTIONS } from './support/browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The E2E tests run the built app (`node bin/lightchat.js serve`), as users do. Build it once when
 * the output is missing (`.ci/run` builds before testing, so this is for a fresh checkout). Then
 * start the run's browser.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const run = (script: string, args: string[]) =>
    execFileSync(process.execPath, [join(root, script), ...args], {
      cwd: root,
      stdio: 'inherit',
    });
  if (!existsSync(`${root}/out/node/cli/index.js`)) {
    run('node_modules/typescript/bin/tsc', ['-p', 'tsconfig.build.json']);
  }
  // `bin/lightchat.js` runs the bundle of that build (scripts/bundle-cli.js).
  if (!existsSync(`${root}/out/node/bundle/index.js`)) run('scripts/bundle-cli.js', []);
  if (!existsSync(`${root}/out/renderer/index.html`)) {
    run('node_modules/electron-vite/bin/electron-vite.js', ['build']);
  }
  // One Chromium for the run: each test file connects to it (`launchBrowser`) and opens contexts of
  // its own, instead of launching a browser per file.
  const browser = await chromium.launchServer(BROWSER_OPTIONS);
  project.provide('browserEndpoint', browser.wsEndpoint());
  return () => browser.close();
}
