import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The E2E tests run the built app (`node bin/lightchat.js serve`), as users do. Build it once when
 * the output is missing (`.ci/run` builds before testing, so this is for a fresh checkout).
 */
export default function setup(): void {
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
}
