import { Lexer } from 'marked';
import { memo, useMemo } from 'react';
import remend from 'remend';
import { blocks } from './marked-blocks';

/**
 * The text still being written at the end of a streaming answer (its last block), drawn from
 * marked's tokens. streamdown's pipeline (micromark, remark, rehype, sanitize) costs most of a
 * stream's frame when it re-parses this block on every update, and a long paragraph is re-parsed
 * many times over; marked's lexer is several times cheaper. Once the block is finished it is drawn
 * once more (`FinishedBlock`), by streamdown when it has code to highlight or a table. Nothing here
 * renders HTML: raw HTML is shown as text, and only http(s) and mailto links are links.
 */
export const OpenMarkdown = memo(function OpenMarkdown({ text }: { text: string }) {
  // remend closes what the stream has left open (`**bo…`, a fence), as streamdown does.
  const tokens = useMemo(() => Lexer.lex(remend(text), { gfm: true }), [text]);
  return <div data-open-markdown="">{blocks(tokens)}</div>;
});
