// Bundles the built CLI (out/node, from tsc) into out/node/bundle for `bin/lightchat.js`: start-up
// is benchmarked (row 6), and loading some 450 small modules one by one took about 40 % of the CPU
// time `serve` spends before it listens. Our code and the packages `serve` loads at start-up go into
// one file; what loads later (provider SDKs, MCP, tRPC, PDF) stays in chunks loaded on first use,
// and every other package stays in node_modules as before. The store's and the PDF reader's worker
// threads are entries of their own, next to the chunks that start them (they are found beside them).
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}out/node/bundle`;

/** Packages loaded before `serve` listens: bundled. Any other package is imported from node_modules. */
const STARTUP_PACKAGES = new Set([
  'zod',
  'yaml',
  'hono',
  '@hono/node-server',
  'pino',
  'chokidar',
  'commander',
  'proper-lockfile',
  'write-file-atomic',
  'eventsource-parser',
  'fflate',
]);

const packageOf = (specifier) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];

/** Our code imports a package outside the start-up set: it stays an import of node_modules. */
const keepOtherPackages = {
  name: 'keep-other-packages',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.importer.includes('/node_modules/')) return undefined;
      return STARTUP_PACKAGES.has(packageOf(args.path)) ? undefined : { path: args.path, external: true };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: [
    `${root}out/node/cli/index.js`,
    `${root}out/node/adapters/store/store-worker.js`,
    `${root}out/node/adapters/store/pdf-text-worker.js`,
  ],
  entryNames: '[name]',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  plugins: [keepOtherPackages],
  // The CommonJS packages bundled here (pino, chokidar…) call `require` for Node's own modules, and
  // some read `__filename` / `__dirname` (write-file-atomic salts its temporary names with it), which
  // an ES module lacks: each output file gets its own.
  banner: {
    js: [
      "import { createRequire as __lightchatRequire } from 'node:module';",
      "import { fileURLToPath as __lightchatPath } from 'node:url';",
      'const require = __lightchatRequire(import.meta.url);',
      'const __filename = __lightchatPath(import.meta.url);',
      "const __dirname = __lightchatPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'warning',
});
