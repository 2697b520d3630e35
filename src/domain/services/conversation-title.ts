/** The first-line title of CONTRACT section 10: at most this many characters. */
export const FIRST_LINE_TITLE_MAX = 80;

/**
 * A conversation's title at once: the first non-blank line of its first user message, cut to
 * 80 characters (by code point, so an emoji or CJK character is never split) with an ellipsis.
 */
export function firstLineTitle(prompt: string): string | null {
  const line = prompt
    .split(/\r?\n/)
    .map((text) => text.trim().replace(/\s+/g, ' '))
    .find((text) => text !== '');
  if (line === undefined) return null;
  const chars = Array.from(line);
  if (chars.length <= FIRST_LINE_TITLE_MAX) return line;
  return `${chars
    .slice(0, FIRST_LINE_TITLE_MAX - 1)
    .join('')
    .trimEnd()}…`;
}
