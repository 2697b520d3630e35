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
 * The tokens of the open block, its unterminated syntax closed. Most of a long answer streams as
 * one long paragraph: for it only the inline lexer runs, which gives what `Lexer.lex` gives. The
 * block lexer would try every block rule on the whole paragraph again on every update first (its
 * setext-heading, table and HTML rules alone cost more than the inline pass).
 */
export function openBlockTokens(text: string): Token[] {
  // remend closes what the stream has left open (`**bo…`, a fence), as streamdown does.
  const closed = remend(text);
  if (!ONE_PARAGRAPH.test(closed)) return Lexer.lex(closed, { gfm: true });
  const paragraph: Tokens.Paragraph = {
    type: 'paragraph',
    raw: closed,
    text: closed,
    tokens: Lexer.lexInline(closed, { gfm: true }),
  };
  return [paragraph];
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
