import { Lexer, type Token, type Tokens } from 'marked';
import { memo, useMemo } from 'react';
import remend from 'remend';
import { blocks } from './marked-blocks';

/**
 * One line that starts with a letter: whatever follows on that line, Markdown reads it as one
 * paragraph. Every other kind of block is told by how its line starts (`#`, `>`, `-`, `1.`, a
 * fence, `<`, `[`, an indent) or needs a second line (a table, a setext heading).
 */
const ONE_PARAGRAPH = /^\p{L}[^\n\r]*$/u;

/**
 * remend's guard against a setext heading: a last line of `-`, `--`, `=` or `==` under text gets a
 * zero-width space after it (`item\n-` would otherwise flash as a heading while the next list item
 * is written).
 */
const ZERO_WIDTH_SPACE = '\u200B';
/**
 * Its stand-in while lexing. Like U+200B it is a format character (Cf): neither whitespace,
 * punctuation, a symbol, a letter nor a digit to any of marked's expressions; unlike it, it is in
 * Latin-1.
 */
const SOFT_HYPHEN = '\u00AD';

/** True when every character is in Latin-1: V8 keeps such a string one byte per character. */
function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/**
 * `remended` with the stand-in for each zero-width space, built from character codes: V8 then stores
 * it one byte per character (replacing in, slicing or adding to the two-byte string gives a
 * two-byte string again, whatever its characters).
 */
function withStandIn(remended: string): string {
  const CHUNK = 4096;
  let result = '';
  for (let start = 0; start < remended.length; start += CHUNK) {
    const codes: number[] = [];
    for (let i = start; i < Math.min(remended.length, start + CHUNK); i++) {
      const code = remended.charCodeAt(i);
      codes.push(code === 0x200b ? 0xad : code);
    }
    result += String.fromCharCode(...codes);
  }
  return result;
}

/** Puts the zero-width space back wherever its stand-in went, in every string of the tokens. */
function restoreZeroWidthSpace<T>(value: T): T {
  if (typeof value === 'string') {
    return (value.includes(SOFT_HYPHEN) ? value.replaceAll(SOFT_HYPHEN, ZERO_WIDTH_SPACE) : value) as T;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restoreZeroWidthSpace(value[i]);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = restoreZeroWidthSpace(record[key]);
  }
  return value;
}

/**
 * The tokens of the open block, its unterminated syntax closed. Most of a long answer streams as
 * one long paragraph: for it only the inline lexer runs, which gives what `Lexer.lex` gives. The
 * block lexer would try every block rule on the whole paragraph again on every update first (its
 * setext-heading, table and HTML rules alone cost more than the inline pass).
 *
 * The lexer never sees remend's zero-width space: V8 compiles each regular expression apart for
 * one-byte and two-byte strings, and that one character makes an ASCII answer's open block
 * two-byte. Every rule marked tried on it was then compiled a second time, and since such updates
 * are rare (the moment a list's next `-` has arrived without its text) that code was cold again
 * by the next one: 69-117 ms of compiling in one update of an open list (bench row 7a's longest
 * task). The stand-in keeps the text one-byte; the tokens are the same once it is swapped back.
 */
export function openBlockTokens(text: string): Token[] {
  // remend closes what the stream has left open (`**bo…`, a fence), as streamdown does.
  const remended = remend(text);
  const standIn =
    remended.includes(ZERO_WIDTH_SPACE) && !remended.includes(SOFT_HYPHEN) && isLatin1(text)
      ? withStandIn(remended)
      : null;
  const closed = standIn ?? remended;
  const tokens = ONE_PARAGRAPH.test(closed) ? [oneParagraph(closed)] : Lexer.lex(closed, { gfm: true });
  return standIn === null ? tokens : restoreZeroWidthSpace(tokens);
}

function oneParagraph(closed: string): Tokens.Paragraph {
  return {
    type: 'paragraph',
    raw: closed,
    text: closed,
    tokens: Lexer.lexInline(closed, { gfm: true }),
  };
}

/**
 * The text still being written at the end of a streaming answer (its last block), drawn from
 * marked's tokens. streamdown's pipeline (micromark, remark, rehype, sanitize) costs most of a
 * stream's frame when it re-parses this block on every update, and a long paragraph is re-parsed
 * many times over; marked's lexer is several times cheaper. Once the block is finished it is drawn
 * once more (`FinishedBlock`), by streamdown when it has code to highlight or a table. Nothing here
 * renders HTML: raw HTML is shown as text, and only http(s) and mailto links are links.
 */
export const OpenMarkdown = memo(function OpenMarkdown({ text }: { text: string }) {
  const tokens = useMemo(() => openBlockTokens(text), [text]);
  return <div data-open-markdown="">{blocks(tokens)}</div>;
});
