/**
 * Search snippets: the text HTML-escaped, the match inside `<mark>`…`</mark>` (CONTRACT section 10).
 * SQLite marks matches with two private-use characters, which are turned into tags after escaping,
 * so no text of a message can ever become markup.
 */
export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';
export const ELLIPSIS = '…';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

/** A snippet marked with MARK_OPEN/MARK_CLOSE, as HTML. */
export const markedToHtml = (marked: string): string =>
  escapeHtml(marked).replaceAll(MARK_OPEN, '<mark>').replaceAll(MARK_CLOSE, '</mark>');

const BEFORE = 30;
const AFTER = 90;

/** A snippet around the first of `words` in `text`, for the short-query path that has no FTS5 snippet(). */
export function snippetAround(text: string, words: readonly string[]): string {
  const lower = text.toLowerCase();
  const needles = words.map((word) => word.toLowerCase()).filter((word) => word !== '');
  const first = Math.min(...needles.map((word) => lower.indexOf(word)).filter((at) => at >= 0));
  const start = Number.isFinite(first) ? Math.max(0, first - BEFORE) : 0;
  const end = Math.min(text.length, start + BEFORE + AFTER);
  const window = text.slice(start, end);
  const lowerWindow = window.toLowerCase();
  let html = '';
  for (let at = 0; at < window.length; ) {
    const hit = needles.find((word) => lowerWindow.startsWith(word, at));
    if (hit) {
      html += `<mark>${escapeHtml(window.slice(at, at + hit.length))}</mark>`;
      at += hit.length;
    } else {
      html += escapeHtml(window[at] ?? '');
      at += 1;
    }
  }
  return `${start > 0 ? ELLIPSIS : ''}${html}${end < text.length ? ELLIPSIS : ''}`;
}
