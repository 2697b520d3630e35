import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'vite';

/** Builds the naive reference page (minified, like LightChat's renderer) into `outDir`. */
export async function buildNaivePage(outDir: string): Promise<string> {
  const root = fileURLToPath(new URL('.', import.meta.url));
  await build({
    configFile: false,
    root,
    base: './',
    logLevel: 'warn',

    build: { outDir, emptyOutDir: true, minify: true },
  });
  return join(outDir, 'index.html');
}
