import { useEffect, useReducer, useRef } from 'react';

type MarkdownModule = typeof import('./MarkdownView');
type FinishedModule = typeof import('./FinishedMarkdown');

// The Markdown renderer and its highlighter are most of the app's JavaScript: loaded after first paint.
let loaded: MarkdownModule | null = null;
let loading: Promise<MarkdownModule> | null = null;
// The light renderer of finished answers (marked alone): a small chunk, loaded as the app starts.
let finishedLoaded: FinishedModule | null = null;
let finishedLoading: Promise<FinishedModule> | null = null;
/** Answers waiting for the full renderer without asking for it (it loads when the page is idle). */
const waitingForFull = new Set<() => void>();

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
      for (const wake of waitingForFull) wake();
      waitingForFull.clear();
      return module;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/**
 * Loads the light renderer of finished answers (once; again after a failed load), its lexer warmed
 * up as it arrives. The app asks for it as it starts: a stored conversation opened right after the
 * page loaded is drawn as Markdown by it while the full renderer (~740 KB) is still to come.
 */
export function loadFinishedMarkdown(): Promise<FinishedModule> {
  finishedLoading ??= import('./FinishedMarkdown').then(
    (module) => {
      module.warmUpLexer();
      finishedLoaded = module;
      return module;
    },
    (error: unknown) => {
      finishedLoading = null;
      throw error;
    },
  );
  return finishedLoading;
}

/** `data-markdown-loading`: not drawn as it will stay (bench 10l waits for the final paint). */
function PlainText({ text }: { text: string }) {
  return (
    <div style={{ whiteSpace: 'pre-wrap' }} data-markdown-loading>
      {text}
    </div>
  );
}

type Renderer = 'full' | 'light' | 'plain';

/**
 * Which renderer draws an answer now. A streaming answer needs the full one (MarkdownView: its open
 * block, highlighting as it comes), and keeps it once finished (drawing it again another way would
 * cost a render of the whole answer). A finished answer is drawn by the light one when that draws it
 * whole, or while the full one is still loading; by the full one otherwise.
 */
function rendererFor(text: string, streaming: boolean, drawnByFull: boolean): Renderer {
  if (streaming || drawnByFull) return loaded ? 'full' : 'plain';
  if (finishedLoaded && (loaded === null || finishedLoaded.finishedTokens(text).complete)) return 'light';
  return loaded ? 'full' : 'plain';
}

/** An answer's Markdown; plain text for the moment the renderer takes to load. */
export function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  const drawnByFull = useRef(false);
  const renderer = rendererFor(text, streaming, drawnByFull.current);
  if (renderer === 'full') drawnByFull.current = true;
  // Drawn by the light renderer but not whole (code, a table…): the full one, once it has loaded.
  const upgrade = renderer === 'light' && loaded === null && !finishedLoaded?.finishedTokens(text).complete;
  const needsFull = renderer === 'plain' && (streaming || drawnByFull.current);
  useEffect(() => {
    if (renderer !== 'plain' && !upgrade) return;
    let mounted = true;
    const wake = () => {
      if (mounted) rerender();
    };
    if (upgrade) waitingForFull.add(wake);
    // Not loaded (the server went away): the text stays plain.
    else void (needsFull ? loadMarkdownView() : loadFinishedMarkdown()).then(wake, () => {});
    return () => {
      mounted = false;
      waitingForFull.delete(wake);
    };
  }, [renderer, upgrade, needsFull]);
  if (renderer === 'plain') return <PlainText text={text} />;
  if (renderer === 'light' && finishedLoaded) {
    const { default: FinishedMarkdown } = finishedLoaded;
    return <FinishedMarkdown text={text} />;
  }
  const { default: MarkdownView } = loaded as MarkdownModule;
  return <MarkdownView text={text} streaming={streaming} />;
}

/**
 * Until then the full renderer's idle load waits: a conversation is being opened, and the chunk's
 * evaluation (~60 ms of CPU, more on a loaded machine) would land between its messages' arrival and
 * their paint (the page is idle while it waits for them).
 */
let quietUntil = 0;
/** How long the idle load of the full renderer waits after a conversation starts opening. */
const OPENING_QUIET_MS = 1000;

/** A conversation is being opened: the full renderer's idle load waits until it has been drawn. */
export function postponeIdleLoads(): void {
  quietUntil = performance.now() + OPENING_QUIET_MS;
}

/**
 * Runs `task` when the window is next idle (within 2 s even when it never is), and not while a
 * conversation opens (`postponeIdleLoads`).
 */
function whenIdle(task: () => void): void {
  const run = () => {
    const wait = quietUntil - performance.now();
    if (wait > 0) setTimeout(() => whenIdle(task), wait);
    else task();
  };
  if ('requestIdleCallback' in window) window.requestIdleCallback(run, { timeout: 2000 });
  else setTimeout(run, 300);
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
