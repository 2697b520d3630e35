/**
 * Which part of a long conversation the transcript renders: the latest messages when it opens, more
 * as the user scrolls up (or down again), and the part around a search result when one is opened. A
 * 2,000-message conversation then costs its first paint what a 20-message one does.
 */

/**
 * Messages rendered once a conversation has opened (and around a search result): a tall window shows
 * fewer, and rendering Markdown (code highlighted) is what opening a long conversation costs most.
 */
export const SHOWN_AT_FIRST = 20;
/**
 * Of those, the latest ones rendered before the first paint (more if they do not fill the screen, see
 * `fillScreen`): the rest wait until the opened conversation has been painted (`settle`). The first
 * paint then costs what the rows on screen cost, not twenty rows of Markdown and their layout.
 */
export const PAINTED_FIRST = 6;
/** Messages added at a time while scrolling. */
export const SHOWN_MORE = 40;
/** Messages rendered before a search result, so it is not the first row. */
const BEFORE_TARGET = 5;

export interface TranscriptWindow {
  /** The conversation's first message: a different one is a different conversation. */
  rootId: string | null;
  /** Its last message: a new one (a send, another version) brings the window to the latest. */
  lastId: string | null;
  start: number;
  /** Exclusive; null: up to the latest message. */
  end: number | null;
  /** Just opened, not painted yet: only the latest `PAINTED_FIRST` messages (or what fills the screen). */
  opening: boolean;
}

export const EMPTY_WINDOW: TranscriptWindow = {
  rootId: null,
  lastId: null,
  start: 0,
  end: null,
  opening: false,
};

const sameWindow = (a: TranscriptWindow, b: TranscriptWindow) =>
  a.rootId === b.rootId &&
  a.lastId === b.lastId &&
  a.start === b.start &&
  a.end === b.end &&
  a.opening === b.opening;

/**
 * The window for `order` after `last`, with the message `target` (a search result) in it. Applying
 * it again to its own result changes nothing (it is computed during render).
 */
export function windowFor(
  last: TranscriptWindow,
  order: readonly string[],
  target: string | null,
): TranscriptWindow {
  const length = order.length;
  const rootId = order[0] ?? null;
  const lastId = order.at(-1) ?? null;
  let { start, end, opening } = last;
  // Messages read from above the first one (scrolling up): at the top they are shown at once,
  // elsewhere the same rows stay rendered.
  const added = rootId === last.rootId || last.rootId === null ? -1 : order.indexOf(last.rootId);
  if (added > 0) {
    if (start > 0) start += added;
    if (end !== null) end += added;
  }
  if (rootId !== last.rootId && added <= 0) opening = true;
  const latestStart = Math.max(0, length - (opening ? PAINTED_FIRST : SHOWN_AT_FIRST));
  if (rootId !== last.rootId && added <= 0) {
    start = latestStart;
    end = null;
  } else {
    if (lastId !== last.lastId) end = null;
    start = Math.min(start, latestStart);
    if (end !== null && end >= length) end = null;
  }
  const index = target === null ? -1 : order.indexOf(target);
  if (index >= 0 && (index < start || index >= (end ?? length))) {
    // The part around a search result is rendered whole at once (the reader is taken there).
    opening = false;
    start = Math.min(Math.max(0, index - BEFORE_TARGET), Math.max(0, length - SHOWN_AT_FIRST));
    end = start + SHOWN_AT_FIRST >= length ? null : start + SHOWN_AT_FIRST;
  }
  const next = { rootId, lastId, start, end, opening };
  return sameWindow(next, last) ? last : next;
}

/** The rows rendered before the first paint do not fill the screen: a few more, still before it. */
export const fillScreen = (range: TranscriptWindow): TranscriptWindow =>
  range.start === 0 ? range : { ...range, start: Math.max(0, range.start - PAINTED_FIRST) };

/** The opened conversation has been painted: the rest of its first `SHOWN_AT_FIRST` messages. */
export const settle = (range: TranscriptWindow, length: number): TranscriptWindow =>
  range.opening
    ? { ...range, opening: false, start: Math.min(range.start, Math.max(0, length - SHOWN_AT_FIRST)) }
    : range;

export const showEarlier = (range: TranscriptWindow): TranscriptWindow =>
  range.start === 0 ? range : { ...range, start: Math.max(0, range.start - SHOWN_MORE) };

export const showLater = (range: TranscriptWindow, length: number): TranscriptWindow =>
  range.end === null
    ? range
    : { ...range, end: range.end + SHOWN_MORE >= length ? null : range.end + SHOWN_MORE };

export const showLatest = (range: TranscriptWindow, length: number): TranscriptWindow =>
  range.end === null ? range : { ...range, start: Math.max(0, length - SHOWN_AT_FIRST), end: null };
