import { createCodePlugin } from '@streamdown/code';
import type { HighlightReply, HighlightRequest } from './worker-highlighter';

/**
 * The page's code highlighter (shiki through streamdown's plugin), in a worker: tokenizing a block
 * was the largest part of the main thread's time during a long answer with code (bench 7a profile).
 * The page sends each block's options and gets its tokens back (`workerHighlighter`).
 */
const worker = globalThis as unknown as {
  onmessage: ((event: MessageEvent<HighlightRequest>) => void) | null;
  postMessage: (message: HighlightReply) => void;
};
const shiki = createCodePlugin();

type ShikiOptions = Parameters<typeof shiki.highlight>[0];

worker.onmessage = ({ data: { id, options } }) => {
  // Only what the page draws crosses back: shiki's result also holds the grammar's state.
  const reply = ({ tokens, fg, bg, rootStyle }: HighlightReply['result']) => {
    worker.postMessage({ id, result: { tokens, fg, bg, rootStyle } });
  };
  // The page's options are streamdown's (any language name); shiki's plugin falls back to text.
  const now = shiki.highlight(options as ShikiOptions, reply);
  if (now) reply(now);
};
