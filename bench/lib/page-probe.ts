/**
 * The script the bench installs in both pages before they load (plain JavaScript in a string: a
 * function's source would carry the TypeScript loader's helpers into the page). It records long
 * tasks, event timing entries, keystroke latencies and long animation frames, and resolves
 * `__bench.done` with the first token and final paint times of the answer that follows
 * `__bench.arm()`. It requests no frames of its own: a `requestAnimationFrame` loop made the page
 * run a frame 60 times a second that no user's page runs (an estimated 1.2 s of LightChat's 5.2 s
 * of main-thread time in a 40 s stream at 1×; the reference pages paid it too), so frames are
 * observed, not requested.
 */
export const PAGE_PROBE = `(() => {
  const bench = {
    longTasks: [], events: [], inputs: [], delays: [], frames: [],
    firstToken: null, finalPaint: null, done: null, framesOn: false, copied: null,
  };
  window.__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        bench.events.push([e.name, e.startTime, e.duration, e.processingStart - e.startTime, e.interactionId || 0]);
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch {}
  // Animation frames over 50 ms (the Long Animation Frames API), while \`startFrames\` is on.
  try {
    new PerformanceObserver((list) => {
      if (!bench.framesOn) return;
      for (const e of list.getEntries()) bench.frames.push([e.startTime, e.duration, e.blockingDuration]);
    }).observe({ type: 'long-animation-frame' });
  } catch {}
  // Two figures per key (this listener, installed first, runs before the page's own): its input
  // delay, from the event's timestamp to its first handler (Event Timing's "input delay"), and its
  // latency, from the timestamp to just after the next frame.
  window.addEventListener('keydown', (event) => {
    if (!bench.done) return;
    const start = event.timeStamp;
    bench.delays.push(performance.now() - start);
    requestAnimationFrame(() => setTimeout(() => bench.inputs.push(performance.now() - start), 0));
  }, true);
  bench.startFrames = () => {
    bench.framesOn = true;
  };
  const answers = () => document.querySelectorAll('article[aria-label="Assistant message"]');
  // LightChat's Markdown container, or the naive page's.
  const MARKDOWN = '.lc-markdown, [data-bench-markdown]';
  const CHROME = 'button, [data-streamdown="code-block-header"], [data-streamdown="code-block-actions"]';
  // What a Copy button puts on the clipboard (reading the clipboard back needs focus and permissions).
  try {
    const clipboard = navigator.clipboard;
    const write = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text) => {
      bench.copied = text;
      return write(text).catch(() => undefined);
    };
  } catch {}
  const textOf = (article) => {
    const markdown = article.querySelector(MARKDOWN);
    if (!markdown) return '';
    const copy = markdown.cloneNode(true);
    // Buttons and streamdown's code block header (language name, actions) are chrome, not answer text.
    for (const chrome of copy.querySelectorAll(CHROME)) chrome.remove();
    return copy.textContent || '';
  };
  // Call just before sending: the next new answer is watched.
  bench.arm = () => {
    const before = answers().length;
    bench.longTasks.length = 0;
    bench.events.length = 0;
    bench.inputs.length = 0;
    bench.delays.length = 0;
    bench.frames.length = 0;
    bench.firstToken = null;
    bench.finalPaint = null;
    bench.done = new Promise((resolve) => {
      const current = () => (answers().length > before ? answers()[answers().length - 1] : null);
      // The answer is final when its Copy button shows. In all three pages the button comes with a
      // new last child of the answer's article, so the article (found again only when it was
      // replaced) is searched only then: searching the whole answer every 100 ms cost LightChat's
      // page ~3 % of its main-thread time at 1× (0.4 ms a look on a 20,000-token answer).
      const waitFinal = () => {
        let article = null;
        let lastChild = null;
        const timer = setInterval(() => {
          if (!article || !article.isConnected) {
            article = current();
            lastChild = null;
          }
          if (!article || article.lastElementChild === lastChild) return;
          lastChild = article.lastElementChild;
          if (!article.querySelector('button[aria-label="Copy"]')) return;
          clearInterval(timer);
          requestAnimationFrame(() => setTimeout(() => {
            bench.finalPaint = performance.now();
            performance.mark('bench-final-paint');
            bench.framesOn = false;
            resolve({ firstToken: bench.firstToken, finalPaint: bench.finalPaint });
          }, 0));
        }, 100);
      };
      const observer = new MutationObserver(() => {
        const article = current();
        if (!article) return;
        const markdown = article.querySelector(MARKDOWN);
        if (!markdown || (markdown.textContent || '').trim() === '') return;
        observer.disconnect();
        bench.firstToken = performance.now();
        performance.mark('bench-first-token');
        waitFinal();
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    return before;
  };
  bench.lastAnswerText = () => {
    const list = answers();
    return list.length === 0 ? '' : textOf(list[list.length - 1]);
  };
})();`;

/** What the probe holds after a run (read with `page.evaluate`). */
export interface ProbeData {
  longTasks: [start: number, duration: number][];
  events: [name: string, start: number, duration: number, inputDelay: number, interactionId: number][];
  /** Per key: from its timestamp to just after the next frame (ms). */
  inputs: number[];
  /** Per key: its input delay, from its timestamp to its first handler (ms). */
  delays: number[];
  /** Long animation frames (over 50 ms) while frames were watched. */
  frames: [start: number, duration: number, blockingDuration: number][];
  firstToken: number | null;
  finalPaint: number | null;
}

export const READ_PROBE = `(() => {
  const b = window.__bench;
  return { longTasks: b.longTasks, events: b.events, inputs: b.inputs, delays: b.delays, frames: b.frames,
    firstToken: b.firstToken, finalPaint: b.finalPaint };
})()`;
