import { relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin, Rolldown } from 'vite';

type OutputChunk = Rolldown.OutputChunk;

import { META_CONTENT_SECURITY_POLICY } from './src/adapters/api/content-security-policy.js';

/**
 * Writes the UI's Content-Security-Policy into the built index.html, first in <head>: the desktop
 * window's file:// page has no server to send it. (The dev server's page gets the header from the
 * main process, relaxed for Vite's inline preamble.)
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'lightchat-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/** The module that starts the first screen's API requests and paints the shell's sidebar (early.ts). */
const EARLY = 'src/renderer/early.ts';
/** It and what it imports: kept out of the first-screen chunk, so that it loads alone (a few KB). */
const EARLY_MODULES =
  /src\/(renderer\/(early|shell\/early-shell|transport\/(early-requests|ipc-bridge)|auth\/token-storage|history\/(conversation-pages|conversation-groups|row-heights)|state\/open-conversation)|preload\/ipc-protocol)\.ts$/;

/**
 * Loads the early entry from index.html, `async`: it runs as soon as its few KB arrive, while
 * the app's bundle still downloads (the app imports the same file, so it runs once).
 */
function earlyEntryScript(): Plugin {
  return {
    name: 'lightchat-early-entry',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const built = Object.values(context.bundle ?? {}).find(
          (output): output is OutputChunk =>
            output.type === 'chunk' && output.isEntry && output.name === 'early',
        );
        if (context.bundle && (!built || built.imports.length > 0)) {
          throw new Error(
            `the early entry must be one chunk that imports nothing (it imports ${built?.imports.join(', ')}): add its modules to EARLY_MODULES`,
          );
        }
        const src = built ? `./${built.fileName}` : `./${relative('src/renderer', EARLY)}`;
        return [
          { tag: 'script', attrs: { type: 'module', async: true, crossorigin: true, src }, injectTo: 'head' },
        ];
      },
    },
  };
}

/**
 * With `LIGHTCHAT_BUNDLE_REPORT=1`, prints what the page's initial JS holds (the entry chunk and what
 * it imports statically, as index.html preloads it) by package, Mantine component or source file
 * (`=modules`: by module; `=<chunk name>`, e.g. `=SidebarBody`: that lazy chunk instead), largest
 * first: a change to the first screen's imports can be checked before the bench's initial-JS row
 * (10m) fails.
 */
function initialBundleReport(): Plugin {
  return {
    name: 'lightchat-initial-bundle-report',
    apply: () => Boolean(process.env.LIGHTCHAT_BUNDLE_REPORT),
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((output) => output.type === 'chunk');
      const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return;
        initial.add(fileName);
        for (const imported of byName.get(fileName)?.imports ?? []) visit(imported);
      };
      const asked = process.env.LIGHTCHAT_BUNDLE_REPORT ?? '';
      const named = ['1', 'modules'].includes(asked)
        ? undefined
        : chunks.find((chunk) => chunk.name === asked);
      if (named) initial.add(named.fileName);
      else for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
      const modules: { id: string; gzip: number }[] = [];
      let total = 0;
      for (const fileName of initial) {
        const chunk = byName.get(fileName);
        if (!chunk) continue;
        total += gzipSync(chunk.code, { level: 9 }).length;
        for (const [id, module] of Object.entries(chunk.modules)) {
          if (!module.code) continue;
          // Each module alone compresses worse than inside its chunk: good for ranking, not for sums.
          modules.push({ id: relative(process.cwd(), id), gzip: gzipSync(module.code, { level: 9 }).length });
        }
      }
      // By package (node_modules) or source file, largest first.
      const groups = new Map<string, number>();
      for (const module of modules) {
        // Mantine by component, the rest by package.
        const inPackage = /node_modules\/(@mantine\/core\/esm\/components\/[^/]+|(@[^/]+\/)?[^/]+)/.exec(
          module.id,
        )?.[1];
        const group =
          process.env.LIGHTCHAT_BUNDLE_REPORT === 'modules' ? module.id : (inPackage ?? module.id);
        groups.set(group, (groups.get(group) ?? 0) + module.gzip);
      }
      const kb = (bytes: number) => (bytes / 1024).toFixed(1).padStart(6);
      const lines = [...groups]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 60)
        .map(([group, gzip]) => `${kb(gzip)} KB  ${group}`);
      console.log(
        `\n${named ? named.name : 'Initial JS'}: ${kb(total)} KB gzip in ${initial.size} chunk(s); by package or file (unminified, each module gzipped alone):\n${lines.join('\n')}\n`,
      );
    },
  };
}

/**
 * One build for the three parts of the desktop app. The renderer build is also the web UI that
 * `lightchat serve` serves, so it uses relative URLs (`base: './'`) and is minified.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      // The history store and the PDF reader run in worker threads: their entries sit next to
      // index.js, where sqlite-conversation-store and pdf-text look for them.
      rolldownOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          'store-worker': resolve('src/adapters/store/store-worker.ts'),
          'pdf-text-worker': resolve('src/adapters/store/pdf-text-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed window can only load a CommonJS preload, and it cannot `require` packages:
      // bundle everything into the one file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    plugins: [react(), contentSecurityPolicyMeta(), earlyEntryScript(), initialBundleReport()],
    // Module workers: the highlight worker loads each language's grammar as its own chunk, when a
    // block needs it (the default, one classic script per worker, inlined every grammar: 9.7 MB).
    worker: { format: 'es' },
    build: {
      outDir: 'out/renderer',
      emptyOutDir: true,
      minify: true,
      sourcemap: false,
      rolldownOptions: {
        input: { index: resolve('src/renderer/index.html'), early: resolve(EARLY) },
        // What the first screen needs in one file beside the entry, not a dozen small shared chunks:
        // the browser fetches six files at a time per host, so each further wave of them delays the
        // start (and one file compresses better). Lazy parts keep their own chunks.
        output: {
          codeSplitting: {
            groups: [
              { name: 'early', test: EARLY_MODULES, priority: 1 },
              { name: 'first-screen', tags: ['$initial'] },
            ],
          },
        },
      },
    },
  },
});
