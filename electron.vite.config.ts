import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
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
    plugins: [react(), contentSecurityPolicyMeta()],
    build: {
      outDir: 'out/renderer',
      emptyOutDir: true,
      minify: true,
      sourcemap: false,
      rolldownOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
