import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import {
  EMPTY_WINDOW,
  fillScreen,
  settle,
  showEarlier,
  showLater,
  showLatest,
  type TranscriptWindow,
  windowFor,
} from './transcript-window';

/** Scrolled this close to an end of what is rendered, more is rendered there. */
const EDGE_PX = 800;

const rowOf = (content: HTMLElement | null, id: string) =>
  content?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`) ?? null;

/** ConversationView marks `Show earlier messages` and `Show later messages` with it. */
const EDGE_BUTTON = 'data-transcript-edge';
const edgeFocused = (content: HTMLElement | null) => {
  const focused = document.activeElement;
  return (
    focused instanceof HTMLElement && focused.hasAttribute(EDGE_BUTTON) && content?.contains(focused) === true
  );
};
/** Focuses the message `step` rows from `id` (-1: the one before), scrolling no more than needed. */
const focusBeside = (content: HTMLElement | null, order: readonly string[], id: string, step: number) => {
  const beside = order[order.indexOf(id) + step];
  const row = beside === undefined ? null : rowOf(content, beside);
  row?.focus({ preventScroll: true });
  row?.scrollIntoView({ block: 'nearest' });
};

export interface ShownMessages {
  /** The ids rendered, in order. */
  shown: readonly string[];
  hiddenBefore: number;
  hiddenAfter: number;
  earlier: () => void;
  later: () => void;
  /** Renders up to the latest message again (Jump to latest). */
  latest: () => void;
}

/**
 * The part of `order` to render (see transcript-window.ts), growing as the scroll container comes
 * near either end. Rows added above keep what the user looks at in place.
 */
export function useTranscriptWindow(options: {
  order: readonly string[];
  /** A message that must be rendered (a search result being shown). */
  target: string | null;
  /** Messages of the branch before `order[0]` that are not loaded yet. */
  unloaded?: number;
  /** Reads some of them (they arrive at the start of `order`). */
  loadEarlier?: () => Promise<void>;
  scroller: RefObject<HTMLElement | null>;
  content: RefObject<HTMLElement | null>;
}): ShownMessages {
  const { order, target, scroller, content, unloaded = 0, loadEarlier } = options;
  const [kept, setKept] = useState<TranscriptWindow>(EMPTY_WINDOW);
  const range = windowFor(kept, order, target);
  // Adjusted during render (React re-renders at once): the rows and the window never disagree.
  if (range !== kept) setKept(range);
  const current = useRef({ range, order, unloaded, loadEarlier });
  current.current = { range, order, unloaded, loadEarlier };
  /**
   * The first row before rows are added above it, and where it was on screen; `focus`: the button
   * that asked had the focus, which moves to the message just above that row (the button may go).
   */
  const anchor = useRef<{ id: string; top: number; focus: boolean } | null>(null);
  /** The last row before rows are added below it, when the button that asked had the focus. */
  const focusAfter = useRef<string | null>(null);

  const earlier = useCallback(() => {
    const { range, order, unloaded, loadEarlier } = current.current;
    const reads = range.start === 0 && unloaded > 0 && loadEarlier !== undefined;
    if ((range.start === 0 && !reads) || anchor.current !== null) return;
    const id = order[range.start];
    const row = id === undefined ? null : rowOf(content.current, id);
    const focus = edgeFocused(content.current);
    if (id !== undefined && row) anchor.current = { id, top: row.getBoundingClientRect().top, focus };
    if (!reads) {
      setKept((last) => showEarlier(last));
      return;
    }
    // A read that added nothing (it failed, or another conversation opened) must not keep the
    // anchor: the next scroll to the top tries again.
    const release = () => {
      if (anchor.current?.id === id) anchor.current = null;
    };
    loadEarlier().then(
      () => requestAnimationFrame(release),
      () => requestAnimationFrame(release),
    );
  }, [content]);
  const later = useCallback(() => {
    const { range, order } = current.current;
    if (range.end !== null && edgeFocused(content.current)) focusAfter.current = order[range.end - 1] ?? null;
    setKept((last) => showLater(last, current.current.order.length));
  }, [content]);
  const latest = useCallback(() => setKept((last) => showLatest(last, current.current.order.length)), []);

  // An opened conversation paints its latest rows first: more before the paint only when they do not
  // fill the screen (jsdom has no layout: nothing to fill there).
  useLayoutEffect(() => {
    const box = scroller.current;
    const inner = content.current;
    if (!range.opening || range.start === 0 || !box || !inner) return;
    if (inner.offsetHeight < box.clientHeight) setKept((last) => fillScreen(last));
  }, [range, scroller, content]);

  // The rest once it has been painted: a frame's callbacks run before its paint, a task after it.
  // Rows added above keep what the user looks at in place, as when scrolling up.
  const opening = range.opening ? range.rootId : null;
  useEffect(() => {
    if (opening === null) return;
    let task: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      task = setTimeout(() => {
        const { range, order } = current.current;
        const next = settle(range, order.length);
        const id = order[range.start];
        const row = id === undefined ? null : rowOf(content.current, id);
        if (id !== undefined && row && next.start !== range.start && anchor.current === null) {
          anchor.current = { id, top: row.getBoundingClientRect().top, focus: false };
        }
        setKept((last) => settle(last, current.current.order.length));
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(task);
    };
  }, [opening, content]);

  const firstShown = order[range.start];
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when rows were added above
  useLayoutEffect(() => {
    const last = anchor.current;
    anchor.current = null;
    const box = scroller.current;
    const row = last === null ? null : rowOf(content.current, last.id);
    if (last && box && row) box.scrollTop += row.getBoundingClientRect().top - last.top;
    if (last?.focus) focusBeside(content.current, current.current.order, last.id, -1);
  }, [firstShown, scroller, content]);

  const lastShown = range.end === null ? order.at(-1) : order[range.end - 1];
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when rows were added below
  useLayoutEffect(() => {
    const last = focusAfter.current;
    focusAfter.current = null;
    if (last !== null) focusBeside(content.current, current.current.order, last, 1);
  }, [lastShown, content]);

  useEffect(() => {
    const box = scroller.current;
    if (!box) return;
    const onScroll = () => {
      // Focusing a `Show … messages` button scrolls it into view: it stays until it is pressed,
      // rather than rendering the rows by itself and taking the focus away with it.
      if (edgeFocused(content.current)) return;
      const { range, unloaded } = current.current;
      // While a conversation opens, scrolls are the page's own (to the latest rows, a few at first):
      // near the top of those few, they would render the earlier rows before the rest has settled.
      if (range.opening) return;
      if ((range.start > 0 || unloaded > 0) && box.scrollTop < EDGE_PX) earlier();
      else if (range.end !== null && box.scrollHeight - box.scrollTop - box.clientHeight < EDGE_PX) later();
    };
    box.addEventListener('scroll', onScroll, { passive: true });
    return () => box.removeEventListener('scroll', onScroll);
  }, [scroller, content, earlier, later]);

  const whole = range.start === 0 && range.end === null;
  return {
    shown: whole ? order : order.slice(range.start, range.end ?? undefined),
    hiddenBefore: range.start + unloaded,
    hiddenAfter: range.end === null ? 0 : order.length - range.end,
    earlier,
    later,
    latest,
  };
}
