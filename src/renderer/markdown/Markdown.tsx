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

/** Loads the renderer and warms the code highlighter while the window is idle. */
export function preloadMarkdownWhenIdle(): void {
  const load = () => void loadMarkdownView().then((module) => module.warmUpHighlighter());
  if ('requestIdleCallback' in window) window.requestIdleCallback(load, { timeout: 2000 });
  else setTimeout(load, 300);
}
