/**
 * The script the bench installs in both pages before they load (plain JavaScript in a string: a
 * function's source would carry the TypeScript loader's helpers into the page). It records long
 * tasks, event timing entries, keystroke latencies and frame gaps, and resolves `__bench.done` with
 * the first token and final paint times of the answer that follows `__bench.arm()`.
 */
export const PAGE_PROBE = `(() => {
  const bench = {
    longTasks: [], events: [], inputs: [], frames: [],
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
  // Input latency of a key: from the event's timestamp to just after the next frame.
  window.addEventListener('keydown', (event) => {
    if (!bench.done) return;
    const start = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => bench.inputs.push(performance.now() - start), 0));
  }, true);
  bench.startFrames = () => {
    bench.framesOn = true;
    let last = performance.now();
    const loop = (now) => {
      if (!bench.framesOn) return;
      bench.frames.push(now - last);
      last = now;
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
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
    bench.frames.length = 0;
    bench.firstToken = null;
    bench.finalPaint = null;
    bench.done = new Promise((resolve) => {
      const current = () => (answers().length > before ? answers()[answers().length - 1] : null);
      const waitFinal = () => {
        const timer = setInterval(() => {
          const article = current();
          if (!article || !article.querySelector('button[aria-label="Copy"]')) return;
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
  inputs: number[];
  frames: number[];
  firstToken: number | null;
  finalPaint: number | null;
}

export const READ_PROBE = `(() => {
  const b = window.__bench;
  return { longTasks: b.longTasks, events: b.events, inputs: b.inputs, frames: b.frames,
    firstToken: b.firstToken, finalPaint: b.finalPaint };
})()`;
