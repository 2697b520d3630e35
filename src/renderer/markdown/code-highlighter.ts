import { createCodePlugin } from '@streamdown/code';
import { CODE_THEMES } from '../theme';
import { DeferredHighlighter } from './deferred-highlighter';
import { type HighlightWorker, workerHighlighter } from './worker-highlighter';

/**
 * The page's one code highlighter (shiki through streamdown's plugin), tokenizing in a worker:
 * highlighting waits for idle time, blocks on screen first, so opening a conversation paints its
 * code as text at once; the tokens come back from the worker, off the main thread.
 */
export const codeHighlighter = new DeferredHighlighter(
  workerHighlighter({
    // This exact form lets the bundler build the worker as a file of its own.
    start: () =>
      new Worker(new URL('./highlight-worker.ts', import.meta.url), {
        type: 'module',
        name: 'LightChat code highlighter',
      }) as unknown as HighlightWorker,
    fallback: createCodePlugin({ themes: [...CODE_THEMES] }),
  }),
);
