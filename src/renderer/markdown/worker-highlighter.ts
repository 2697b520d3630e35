import type { CodeHighlighterPlugin, HighlightOptions, HighlightResult } from 'streamdown';

/** A block to highlight, sent to the highlight worker. */
export interface HighlightRequest {
  id: number;
  options: HighlightOptions;
}

/** A block's tokens, from the highlight worker. */
export interface HighlightReply {
  id: number;
  result: HighlightResult;
}

/** The part of a `Worker` the page uses (tests pass a fake). */
export interface HighlightWorker {
  postMessage(message: HighlightRequest): void;
  onmessage: ((event: MessageEvent<HighlightReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface WorkerHighlighterOptions {
  /** Starts the worker; throws where workers cannot run. Called on the first block. */
  start: () => HighlightWorker;
  /** Highlights on the page when the worker cannot start or fails (and tells why once). */
  fallback: CodeHighlighterPlugin;
}

/**
 * A code highlighter plugin that tokenizes in a worker: `highlight` answers through its callback,
 * never at once, and the page only draws the tokens. Where the worker cannot start or fails (a page
 * without workers, a policy that forbids them) the blocks waiting and all later ones are highlighted
 * on the page, as before.
 */
export function workerHighlighter({ start, fallback }: WorkerHighlighterOptions): CodeHighlighterPlugin {
  const waiting = new Map<
    number,
    { options: HighlightOptions; callback?: (result: HighlightResult) => void }
  >();
  let nextId = 0;
  let worker: HighlightWorker | undefined;
  let failed = false;

  const onPage = (options: HighlightOptions, callback?: (result: HighlightResult) => void) => {
    const now = fallback.highlight(options, callback);
    if (now && callback) callback(now);
    return now;
  };
  const fail = (reason: unknown) => {
    if (failed) return;
    failed = true;
    console.warn('Code highlighting runs on the page: its worker could not run.', reason);
    const jobs = [...waiting.values()];
    waiting.clear();
    for (const job of jobs) onPage(job.options, job.callback);
  };
  const started = (): HighlightWorker | undefined => {
    if (failed) return undefined;
    if (worker) return worker;
    try {
      worker = start();
    } catch (error) {
      fail(error);
      return undefined;
    }
    worker.onmessage = ({ data: { id, result } }) => {
      const job = waiting.get(id);
      waiting.delete(id);
      job?.callback?.(result);
    };
    worker.onerror = (event) => fail(event.message || 'it did not load');
    return worker;
  };

  return {
    name: 'shiki',
    type: 'code-highlighter',
    getSupportedLanguages: () => fallback.getSupportedLanguages(),
    getThemes: () => fallback.getThemes(),
    supportsLanguage: (language) => fallback.supportsLanguage(language),
    highlight(options, callback) {
      const target = started();
      if (!target) return fallback.highlight(options, callback);
      const id = nextId++;
      waiting.set(id, { options, ...(callback ? { callback } : {}) });
      // Only data crosses: theme objects are plain JSON.
      target.postMessage({
        id,
        options: {
          code: options.code,
          language: options.language,
          themes: options.themes,
          ...(options.isIncomplete ? { isIncomplete: true } : {}),
        },
      });
      return null;
    },
  };
}
