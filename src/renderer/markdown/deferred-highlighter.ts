import type { CodeHighlighterPlugin, HighlightOptions, HighlightResult } from 'streamdown';

/**
 * Code highlighting after paint. Opening a stored conversation renders its code blocks as plain text
 * (same text, same lines, so the same size) and highlights them later, in idle slices, the blocks on
 * screen first; a block already highlighted once (same language and code) is highlighted at once
 * from the cache. A block still streaming is highlighted as it comes, as before.
 */

/** A slice of idle time: how much of it is left. */
export interface IdleDeadline {
  timeRemaining(): number;
}
/** Runs `slice` when the page is idle (`requestIdleCallback`); tests pass their own and await it. */
export type RequestIdle = (slice: (deadline: IdleDeadline) => Promise<void>) => void;

/** A slice still runs within this long when the page is never idle (a stream, a busy scroll). */
const IDLE_TIMEOUT_MS = 1000;
/** Highlighted blocks kept (tokens of one block: a few KB). */
const CACHE_ENTRIES = 500;
/** Streaming blocks remembered, so that their final text is highlighted at once (no plain flash). */
const STREAMED_REMEMBERED = 4;

export const browserIdle: RequestIdle = (slice) => {
  // A slice that ends after the page is gone (a test's window torn down) schedules nothing.
  if (typeof window === 'undefined') return;
  if (typeof window.requestIdleCallback === 'function') {
    window.requestIdleCallback((deadline) => void slice(deadline), { timeout: IDLE_TIMEOUT_MS });
  } else {
    // Safari has no requestIdleCallback: after the next frame, with a frame's budget.
    setTimeout(() => {
      const end = performance.now() + 8;
      void slice({ timeRemaining: () => Math.max(0, end - performance.now()) });
    }, 16);
  }
};

/** streamdown highlights a block's code without its trailing newlines: so do the keys here. */
export function codeOfBlock(code: string): string {
  let end = code.length;
  while (end > 0 && code[end - 1] === '\n') end--;
  return code.slice(0, end);
}

const themeName = (theme: HighlightOptions['themes'][number]) =>
  typeof theme === 'string' ? theme : (theme.name ?? 'custom');
const keyOf = (options: HighlightOptions) =>
  `${options.language}\n${themeName(options.themes[0])}\n${themeName(options.themes[1])}\n${options.code}`;

interface Job {
  key: string;
  options: HighlightOptions;
  callbacks: ((result: HighlightResult) => void)[];
}

/** A code block on the page, as `CodeInView` reports it. */
interface BlockSeen {
  mounted: number;
  visible: number;
}

/** The next task, so a slice never waits on a highlighter still loading its grammar. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class DeferredHighlighter {
  private readonly cache = new Map<string, HighlightResult>();
  private readonly queue: Job[] = [];
  private readonly blocks = new Map<string, BlockSeen>();
  private streamed: { language: string; code: string }[] = [];
  private scheduled = false;
  /** The plugin streamdown is given (`plugins.code`). */
  readonly plugin: CodeHighlighterPlugin;

  constructor(
    private readonly inner: CodeHighlighterPlugin,
    private readonly requestIdle: RequestIdle = browserIdle,
  ) {
    this.plugin = {
      name: 'shiki',
      type: 'code-highlighter',
      getSupportedLanguages: () => inner.getSupportedLanguages(),
      getThemes: () => inner.getThemes(),
      supportsLanguage: (language) => inner.supportsLanguage(language),
      highlight: (options, callback) => this.highlight(options, callback),
    };
  }

  /** Highlighted blocks in the cache (for tests and the bench). */
  get cached(): number {
    return this.cache.size;
  }

  /** Blocks waiting for an idle slice. */
  get waiting(): number {
    return this.queue.length;
  }

  highlight(options: HighlightOptions, callback?: (result: HighlightResult) => void): HighlightResult | null {
    if (options.isIncomplete) {
      this.rememberStreamed(options);
      return this.inner.highlight(options, callback);
    }
    const key = keyOf(options);
    const hit = this.cache.get(key);
    if (hit) {
      // Most recently used last: the oldest entry is the one dropped.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    if (this.wasStreamed(options)) {
      const job: Job = { key, options, callbacks: [] };
      const { now } = this.run(job);
      if (now === null && callback) job.callbacks.push(callback);
      return now;
    }
    const queued = this.queue.find((job) => job.key === key);
    if (queued) {
      if (callback) queued.callbacks.push(callback);
    } else {
      this.queue.push({ key, options, callbacks: callback ? [callback] : [] });
    }
    this.schedule();
    return null;
  }

  /**
   * A code block's code on the page (`CodeInView`): it is highlighted before blocks off screen or
   * gone. Call `release` when it leaves the page.
   */
  track(code: string): { visible(on: boolean): void; release(): void } {
    const key = codeOfBlock(code);
    const seen = this.blocks.get(key) ?? { mounted: 0, visible: 0 };
    seen.mounted++;
    this.blocks.set(key, seen);
    let visible = false;
    return {
      visible: (on) => {
        if (on === visible) return;
        visible = on;
        seen.visible += on ? 1 : -1;
      },
      release: () => {
        if (visible) seen.visible--;
        visible = false;
        seen.mounted--;
        if (seen.mounted === 0 && this.blocks.get(key) === seen) this.blocks.delete(key);
      },
    };
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    this.requestIdle((deadline) => this.slice(deadline));
  }

  /** Highlights blocks until the idle time is used up (at least one block per slice). */
  private async slice(deadline: IdleDeadline): Promise<void> {
    try {
      do {
        const job = this.takeNext();
        if (!job) return;
        // The highlighter answers in a microtask once its grammar is loaded; until then, move on.
        await Promise.race([this.run(job).done, nextTask()]);
      } while (deadline.timeRemaining() > 0);
    } finally {
      // Blocks asked for during the slice were taken by it or wait for the next one.
      this.scheduled = false;
      this.schedule();
    }
  }

  /** On screen first, then on the page, then the rest (a conversation no longer shown, a warm-up). */
  private takeNext(): Job | undefined {
    const rank = (job: Job) => {
      const seen = this.blocks.get(job.options.code);
      return seen === undefined ? 2 : seen.visible > 0 ? 0 : 1;
    };
    let best = -1;
    for (let index = 0; index < this.queue.length; index++) {
      const job = this.queue[index] as Job;
      if (best < 0 || rank(job) < rank(this.queue[best] as Job)) best = index;
      if (rank(job) === 0) break;
    }
    return best < 0 ? undefined : this.queue.splice(best, 1)[0];
  }

  private run(job: Job): { now: HighlightResult | null; done: Promise<void> } {
    let settle: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const deliver = (result: HighlightResult) => {
      this.remember(job.key, result);
      for (const callback of job.callbacks) callback(result);
      settle();
    };
    const now = this.inner.highlight(job.options, deliver);
    if (now) deliver(now);
    return { now, done };
  }

  private remember(key: string, result: HighlightResult): void {
    this.cache.delete(key);
    this.cache.set(key, result);
    if (this.cache.size > CACHE_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  private rememberStreamed(options: HighlightOptions): void {
    if (options.code === '') return;
    this.streamed = [
      { language: options.language, code: options.code },
      ...this.streamed.filter((entry) => !options.code.startsWith(entry.code)),
    ].slice(0, STREAMED_REMEMBERED);
  }

  /** The final text of a block that was just streaming: the user saw it highlighted already. */
  private wasStreamed(options: HighlightOptions): boolean {
    return this.streamed.some(
      (entry) => entry.language === options.language && options.code.startsWith(entry.code),
    );
  }
}
