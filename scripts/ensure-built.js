// Builds LightChat (`npm run build`) only when the build is missing or older than the sources, so
// `npm run serve` and `npm run demo` work on a fresh clone and start at once when up to date.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = ['out/node/bundle/index.js', 'out/renderer/index.html'];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : (mtime(path) ?? 0));
  }
  return newest;
}

const built = outputs.map((output) => mtime(join(root, output)));
const stale = built.some((time) => time === null) || Math.min(...built) < newestUnder(join(root, 'src'));

if (stale) {
  console.error('LightChat: building (the build is missing or older than src/)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    console.error('LightChat: `npm run build` failed; see the messages above.');
    process.exit(result.status ?? 1);
  }
}
