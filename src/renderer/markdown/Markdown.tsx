import { useEffect, useState } from 'react';

type MarkdownModule = typeof import('./MarkdownView');

// The Markdown renderer and its highlighter are most of the app's JavaScript: loaded after first paint.
let loaded: MarkdownModule | null = null;
let loading: Promise<MarkdownModule> | null = null;

/**
 * Loads the renderer's chunk (once; again after a failed load). An answer rendered once it has
 * arrived is drawn as Markdown in that same render: `React.lazy` suspended the first render of every
 * page, so an opened conversation was always painted as plain text first and as Markdown some
 * hundreds of milliseconds later (its whole first part rendered twice). Its lexer is warmed up as
 * it arrives: the first lexing of a page is what its first answers cost most.
 */
export function loadMarkdownView(): Promise<MarkdownModule> {
  loading ??= import('./MarkdownView').then(
    (module) => {
      module.warmUpLexer();
      loaded = module;
      return module;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** `data-markdown-loading`: not drawn as it will stay (bench 10l waits for the final paint). */
function PlainText({ text }: { text: string }) {
  return (
    <div style={{ whiteSpace: 'pre-wrap' }} data-markdown-loading>
      {text}
    </div>
  );
}

/** An answer's Markdown; plain text for the moment the renderer takes to load. */
export function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  const [view, setView] = useState(loaded);
  useEffect(() => {
    if (view !== null) return;
    let mounted = true;
    loadMarkdownView().then(
      (module) => {
        if (mounted) setView(module);
      },
      // Not loaded (the server went away): the text stays plain.
      () => {},
    );
    return () => {
      mounted = false;
    };
  }, [view]);
  if (view === null) return <PlainText text={text} />;
  const { default: MarkdownView } = view;
  return <MarkdownView text={text} streaming={streaming} />;
}

/** Runs `task` when the window is next idle (within 2 s even when it never is). */
function whenIdle(task: () => void): void {
  if ('requestIdleCallback' in window) window.requestIdleCallback(task, { timeout: 2000 });
  else setTimeout(task, 300);
}

/** Loads the renderer while the window is idle: a conversation opened then shows its Markdown at once. */
export function preloadMarkdownWhenIdle(): void {
  whenIdle(() => void loadMarkdownView().catch(() => {}));
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
