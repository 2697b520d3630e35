import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const fakeElectron = fileURLToPath(new URL('./test/electron/fake-electron.ts', import.meta.url));

/**
 * Vitest's default is one worker fewer than the cores: one on a 2-core CI, where every file then ran
 * in turn and the browser tests (mostly waiting on streams and frames, about half a core) left the
 * other core idle. Two at least: the browser files start first (the longest), two at a time against
 * servers of their own, and the quick files fill in after them.
 */
const WORKERS = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  test: {
    maxWorkers: WORKERS,
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        // The real `electron` package would download its binary when required: never load it in tests.
        resolve: { alias: { electron: fakeElectron } },
        test: {
          name: 'electron',
          environment: 'node',
          include: ['test/electron/**/*.test.ts'],
          server: { deps: { inline: ['trpc-electron', 'electron-updater'] } },
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['test/renderer/setup.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
