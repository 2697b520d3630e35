import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import {
  EMPTY_WINDOW,
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
  /** The first row before rows are added above it, and where it was on screen. */
  const anchor = useRef<{ id: string; top: number } | null>(null);

  const earlier = useCallback(() => {
    const { range, order, unloaded, loadEarlier } = current.current;
    const reads = range.start === 0 && unloaded > 0 && loadEarlier !== undefined;
    if ((range.start === 0 && !reads) || anchor.current !== null) return;
    const id = order[range.start];
    const row = id === undefined ? null : rowOf(content.current, id);
    if (id !== undefined && row) anchor.current = { id, top: row.getBoundingClientRect().top };
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
  const later = useCallback(() => setKept((last) => showLater(last, current.current.order.length)), []);
  const latest = useCallback(() => setKept((last) => showLatest(last, current.current.order.length)), []);

  const firstShown = order[range.start];
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when rows were added above
  useLayoutEffect(() => {
    const last = anchor.current;
    anchor.current = null;
    const box = scroller.current;
    const row = last === null ? null : rowOf(content.current, last.id);
    if (last && box && row) box.scrollTop += row.getBoundingClientRect().top - last.top;
  }, [firstShown, scroller, content]);

  useEffect(() => {
    const box = scroller.current;
    if (!box) return;
    const onScroll = () => {
      const { range, unloaded } = current.current;
      if ((range.start > 0 || unloaded > 0) && box.scrollTop < EDGE_PX) earlier();
      else if (range.end !== null && box.scrollHeight - box.scrollTop - box.clientHeight < EDGE_PX) later();
    };
    box.addEventListener('scroll', onScroll, { passive: true });
    return () => box.removeEventListener('scroll', onScroll);
  }, [scroller, earlier, later]);

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
