import { lazy, Suspense } from 'react';

// The Markdown renderer and its highlighter are most of the app's JavaScript: loaded after first paint.
const loadMarkdownView = () => import('./MarkdownView');
const MarkdownView = lazy(loadMarkdownView);

function PlainText({ text }: { text: string }) {
  return <div style={{ whiteSpace: 'pre-wrap' }}>{text}</div>;
}

/** An answer's Markdown; plain text for the moment the renderer takes to load. */
export function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  return (
    <Suspense fallback={<PlainText text={text} />}>
      <MarkdownView text={text} streaming={streaming} />
    </Suspense>
  );
}

/** How long the user must leave the page alone (no scroll, wheel, key or press) before the warm-up. */
const QUIET_MS = 1000;
const INPUTS = ['scroll', 'wheel', 'keydown', 'pointerdown'] as const;

/**
 * Loads the renderer and warms the code highlighter while the window is idle and the user is not
 * using it: loading and warming are long tasks, and right after the page opens they landed in the
 * frames of a user scrolling the sidebar (most of its main-thread time in the bench's profile).
 */
export function preloadMarkdownWhenIdle(): void {
  let lastInput = performance.now();
  const noteInput = () => {
    lastInput = performance.now();
  };
  // Capturing on the window sees every element's scroll (scroll events do not bubble).
  for (const type of INPUTS) window.addEventListener(type, noteInput, { capture: true, passive: true });
  const load = () => {
    const quietFor = performance.now() - lastInput;
    if (quietFor < QUIET_MS) {
      setTimeout(whenIdle, QUIET_MS - quietFor);
      return;
    }
    for (const type of INPUTS) window.removeEventListener(type, noteInput, { capture: true });
    void loadMarkdownView().then((module) => module.warmUpHighlighter());
  };
  const whenIdle = () => {
    if ('requestIdleCallback' in window) window.requestIdleCallback(load, { timeout: 2000 });
    else setTimeout(load, 300);
  };
  whenIdle();
}
