#!/usr/bin/env node
// The `lightchat` command. Plain JavaScript that any Node can parse, so that an old Node gets a
// clear message instead of a syntax error.
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`LightChat needs Node ≥ 22.12 (found ${process.versions.node}).`);
  console.error(
    'Run it through npm (`npm run serve`, `npm exec lightchat`), which uses the Node 24 that `npm install` brought.',
  );
  process.exit(1);
}

// Start-up is benchmarked: reuse V8's compiled code across runs (Node >= 22.1; a no-op when absent).
module.enableCompileCache?.();

// The bundle of the built CLI (scripts/bundle-cli.js): one file loads faster than hundreds.
const cli = new URL('../out/node/bundle/index.js', import.meta.url);
try {
  await import(cli.href);
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('out/node/bundle/index.js')) {
    console.error(
      'LightChat is not built yet: run `npm run build` first (`npm run serve` builds when needed).',
    );
    process.exit(1);
  }
  throw error;
}
