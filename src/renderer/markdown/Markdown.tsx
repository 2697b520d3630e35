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

/** Runs `task` when the window is next idle (within 2 s even when it never is). */
function whenIdle(task: () => void): void {
  if ('requestIdleCallback' in window) window.requestIdleCallback(task, { timeout: 2000 });
  else setTimeout(task, 300);
}

/** Loads the renderer while the window is idle: a conversation opened then shows its Markdown at once. */
export function preloadMarkdownWhenIdle(): void {
  whenIdle(() => void loadMarkdownView());
}

/** The languages whose grammars are compiled before an answer needs them. */
const WARM_LANGUAGES = ['typescript', 'python', 'bash', 'json'];
let warming = false;

/**
 * The user is writing a message: its answer may stream code, and the first block of a language
 * waits for the highlighter to compile that grammar. They are compiled now, one per idle moment.
 * Not when the page loads: each grammar is a long task, and together they filled the frames of a
 * user scrolling the sidebar right after load (bench 10k).
 */
export function warmUpHighlighterForAnswers(): void {
  if (warming) return;
  warming = true;
  void loadMarkdownView().then((module) => {
    const languages = [...WARM_LANGUAGES];
    const next = () => {
      const language = languages.shift();
      if (language === undefined) return;
      module.warmUpHighlighter([language]);
      whenIdle(next);
    };
    whenIdle(next);
  });
}
