import { describe, expect, it } from 'vitest';
import {
  EMPTY_WINDOW,
  fillScreen,
  PAINTED_FIRST,
  SHOWN_AT_FIRST,
  SHOWN_MORE,
  settle,
  showEarlier,
  showLater,
  showLatest,
  type TranscriptWindow,
  windowFor,
} from '../../src/renderer/components/transcript-window';

const ids = (count: number, prefix = 'm') => Array.from({ length: count }, (_, index) => `${prefix}${index}`);
const rendered = (order: string[], range: { start: number; end: number | null }) =>
  order.slice(range.start, range.end ?? undefined);
/** The window once `order` has opened and been painted (what the transcript then renders). */
const openedOn = (order: string[], last: TranscriptWindow = EMPTY_WINDOW) =>
  windowFor(settle(windowFor(last, order, null), order.length), order, null);

describe('the part of a long conversation the transcript renders', () => {
  it('opens a 2,000-message conversation on its latest messages only; a short one whole', () => {
    const long = ids(2000);
    const range = openedOn(long);
    expect(rendered(long, range)).toEqual(long.slice(2000 - SHOWN_AT_FIRST));
    const short = ids(12, 's');
    expect(rendered(short, openedOn(short, range))).toEqual(short);
  });

  it('paints an opened conversation with its latest few messages first, the rest once painted', () => {
    const long = ids(2000);
    const first = windowFor(EMPTY_WINDOW, long, null);
    expect(rendered(long, first)).toEqual(long.slice(2000 - PAINTED_FIRST));
    // Computed again during render before the paint, it stays as small.
    expect(windowFor(first, long, null)).toBe(first);
    // Rows that do not fill the screen: a few more before the paint.
    const filled = fillScreen(first);
    expect(rendered(long, windowFor(filled, long, null))).toEqual(long.slice(2000 - 2 * PAINTED_FIRST));
    const painted = windowFor(settle(filled, long.length), long, null);
    expect(rendered(long, painted)).toEqual(long.slice(2000 - SHOWN_AT_FIRST));
    expect(settle(painted, long.length)).toBe(painted);
    // Another conversation opens the same way.
    const other = ids(300, 'b');
    expect(rendered(other, windowFor(painted, other, null))).toEqual(other.slice(300 - PAINTED_FIRST));
  });

  it('keeps what it shows when a message is added, and shows the new one', () => {
    const order = ids(100);
    const range = openedOn(order);
    const longer = [...order, 'new question', 'new answer'];
    const next = windowFor(range, longer, null);
    expect(next.start).toBe(range.start);
    expect(rendered(longer, next).slice(-2)).toEqual(['new question', 'new answer']);
  });

  it('renders the part around a search result far up, and keeps it when the highlight ends', () => {
    const order = ids(2000);
    const opened = openedOn(order);
    const around = windowFor(opened, order, 'm100');
    expect(rendered(order, around)).toContain('m100');
    expect(around.start).toBeLessThan(100);
    expect(rendered(order, around).length).toBe(SHOWN_AT_FIRST);
    expect(windowFor(around, order, null)).toBe(around);
  });

  it('is stable: computing it again from its own result changes nothing', () => {
    const order = ids(500);
    for (const target of [null, 'm0', 'm250', 'm499']) {
      const range = windowFor(openedOn(order), order, target);
      expect(windowFor(range, order, target)).toBe(range);
    }
  });

  it('comes back to the latest messages when a new one arrives after a search result', () => {
    const order = ids(2000);
    const around = windowFor(openedOn(order), order, 'm100');
    const sent = [...order, 'sent'];
    expect(rendered(sent, windowFor(around, sent, null)).at(-1)).toBe('sent');
  });

  it('shows earlier messages loaded above it at once when at the top, and keeps its rows otherwise', () => {
    const order = ids(SHOWN_AT_FIRST, 'late');
    const atTop = { ...openedOn(order) };
    expect(atTop.start).toBe(0);
    const loaded = [...ids(40, 'early'), ...order];
    expect(rendered(loaded, windowFor(atTop, loaded, null))).toEqual(loaded);
    const long = ids(100, 'late');
    const scrolled = openedOn(long);
    const more = [...ids(40, 'early'), ...long];
    expect(rendered(more, windowFor(scrolled, more, null))).toEqual(rendered(long, scrolled));
  });

  it('starts afresh on another conversation', () => {
    const first = ids(2000, 'a');
    const range = showEarlier(openedOn(first));
    const second = ids(300, 'b');
    expect(rendered(second, openedOn(second, range))).toEqual(second.slice(300 - SHOWN_AT_FIRST));
  });

  it('adds messages above and below as the user scrolls, and goes back to the latest', () => {
    const order = ids(2000);
    const opened = openedOn(order);
    expect(showEarlier(opened).start).toBe(opened.start - SHOWN_MORE);
    const around = windowFor(opened, order, 'm100');
    const later = showLater(around, order.length);
    expect(later.end).toBe((around.end ?? 0) + SHOWN_MORE);
    const latest = showLatest(later, order.length);
    expect(rendered(order, latest)).toEqual(order.slice(2000 - SHOWN_AT_FIRST));
    expect(showEarlier({ ...opened, start: 0 }).start).toBe(0);
  });
});
