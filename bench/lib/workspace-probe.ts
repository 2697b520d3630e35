/**
 * The script the workspace rows install in the page before it loads (plain JavaScript in a string,
 * like PAGE_PROBE). It records when the first sidebar item was painted, and offers the two measured
 * actions:
 * scrolling the sidebar at a fixed speed, and opening a conversation to the paint of its last message.
 */
export const WORKSPACE_PROBE = `(() => {
  const probe = { sidebarPaint: null, shellCommit: null, longTasks: [] };
  window.__workspace = probe;
  // Where the load's time goes before the sidebar paints: the main thread's long tasks (script
  // evaluation, React's renders) and the first commit of the app's shell.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const afterPaint = (done) => requestAnimationFrame(() => setTimeout(() => done(performance.now()), 0));
  const ITEM = 'nav[aria-label="Conversations"] ul li button';
  const watcher = new MutationObserver(() => {
    if (probe.shellCommit === null && document.querySelector('#root > *')) probe.shellCommit = performance.now();
    if (!document.querySelector(ITEM)) return;
    watcher.disconnect();
    afterPaint((at) => { probe.sidebarPaint = at; });
  });
  watcher.observe(document, { childList: true, subtree: true });

  // Scrolls the list by script at pxPerSecond until the row of index untilIndex is rendered (pages
  // load as it goes); every frame's gap is kept, and the frames where the list had not loaded far
  // enough yet to scroll where it should be.
  probe.scroll = (pxPerSecond, untilIndex, limitMs) => new Promise((resolve) => {
    const scroller = document.querySelector('nav[aria-label="Conversations"] ul').parentElement;
    const frames = [];
    let behind = 0;
    const start = performance.now();
    let last = start;
    const step = (now) => {
      frames.push(now - last);
      last = now;
      const wanted = ((now - start) / 1000) * pxPerSecond;
      scroller.scrollTop = wanted;
      if (scroller.scrollTop + 1 < wanted) behind++;
      let reached = -1;
      for (const row of scroller.querySelectorAll('li[data-index]')) reached = Math.max(reached, Number(row.dataset.index));
      if (reached >= untilIndex || now - start > limitMs) {
        resolve({ frames: frames.slice(1), behind, reached, ms: now - start, px: scroller.scrollTop });
        return;
      }
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });

  // Clicks a conversation's item; resolves when its last message has been painted as it stays (its
  // Markdown rendered, not the plain text shown while the renderer loads), with the paint of its
  // first form (\`shown\`: the same, unless plain text came first) and the time the conversation
  // arrived (queries are HTTP requests: their resource timing's responseEnd). The marks
  // bench-open-click and bench-open-painted bound the page's work in a trace; bench-open-shown
  // marks the first paint.
  probe.open = (title, lastMessageId) => new Promise((resolve) => {
    const button = [...document.querySelectorAll(ITEM)].find((b) => b.textContent.trim().endsWith(title));
    if (!button) { resolve({ error: 'no item titled ' + title }); return; }
    const selector = 'section[aria-label="Conversation"] [data-message-id="' + lastMessageId + '"]';
    performance.mark('bench-open-click');
    const clicked = performance.now();
    let shown = null;
    const watch = new MutationObserver(() => {
      const row = document.querySelector(selector);
      if (!row) return;
      if (shown === null) {
        shown = 0;
        afterPaint((at) => { shown = at; performance.mark('bench-open-shown'); });
      }
      if (row.querySelector('[data-markdown-loading]')) return;
      watch.disconnect();
      afterPaint((painted) => {
        performance.mark('bench-open-painted');
        const request = performance.getEntriesByType('resource')
          .filter((entry) => entry.startTime >= clicked && entry.name.includes('conversations.get'))
          .at(-1);
        resolve({
          clicked,
          painted,
          // Both waited for the same frame: the first form was the final one.
          shown: shown === 0 ? painted : shown,
          answerAt: request ? request.responseEnd : null,
          answerChars: request ? request.decodedBodySize : 0,
          articles: document.querySelectorAll('section[aria-label="Conversation"] article').length,
        });
      });
    });
    watch.observe(document.body, { childList: true, subtree: true });
    button.click();
  });
})();`;

export interface ScrollResult {
  frames: number[];
  behind: number;
  reached: number;
  ms: number;
  px: number;
}

export type OpenResult =
  | { error: string }
  | {
      clicked: number;
      /** The last message painted as it stays (its Markdown rendered). */
      painted: number;
      /** Its first paint, plain text when the Markdown renderer was still loading. */
      shown: number;
      answerAt: number | null;
      answerChars: number;
      articles: number;
    };
