import { Lexer, type Token } from 'marked';
import { useMemo } from 'react';
import { MARKDOWN_CLASS } from './markdown-class';
import { blocks, drawnAsStreamdownWould } from './marked-blocks';
// Mantine's Typography before markdown.css, which overrides some of its margins (equal specificity:
// the later rule wins), as in MarkdownView's chunk.
import '@mantine/core/styles/Typography.css';
import './markdown.css';

/** A finished answer's top-level tokens, and whether `blocks` draws all of them as the full renderer would. */
export interface FinishedTokens {
  tokens: readonly Token[];
  /** False: some block (code, a table, raw HTML…) waits for the full renderer to be drawn as it stays. */
  complete: boolean;
}

/**
 * The last answers lexed: an answer is drawn again when its row re-renders (a version switch, the
 * transcript settling), and a stored conversation shows at most a few dozen at a time.
 */
const lexed = new Map<string, FinishedTokens>();
const LEXED_KEPT = 64;

export function finishedTokens(text: string): FinishedTokens {
  const known = lexed.get(text);
  if (known) return known;
  const tokens = Lexer.lex(text, { gfm: true });
  const result = { tokens, complete: drawnAsStreamdownWould(text, tokens) };
  if (lexed.size >= LEXED_KEPT) lexed.delete(lexed.keys().next().value as string);
  lexed.set(text, result);
  return result;
}

/**
 * A finished answer drawn from marked's tokens alone, with the same elements as the full renderer
 * (MarkdownView: each block a `.lc-block`, prose, headings, lists and quotes drawn by `blocks`), from
 * a chunk a twentieth of its size: a stored conversation opened while the full renderer (streamdown,
 * its plugins and the highlighter's client, ~740 KB) still loads is drawn as Markdown at once. A
 * code block is drawn in its frame, unhighlighted, as the full renderer draws it before highlighting;
 * an answer with such a block (`complete` false) is drawn again by the full renderer once it is there.
 */
export default function FinishedMarkdown({ text }: { text: string }) {
  const { tokens } = useMemo(() => finishedTokens(text), [text]);
  return (
    <div className={MARKDOWN_CLASS} data-markdown-light="">
      <div>
        {tokens.map((token, index) =>
          token.type === 'space' ? null : (
            // biome-ignore lint/suspicious/noArrayIndexKey: a finished answer's blocks never move
            <div key={index} className="lc-block">
              {blocks([token])}
            </div>
          ),
        )}
      </div>
    </div>
  );
}

/** A little of every kind of block and inline syntax: lexing it compiles the lexer's expressions. */
const WARM_UP_SAMPLE = [
  '# Heading',
  'A paragraph with **bold**, *em*, ~~struck~~, `code` and a [link](https://example.com)\nover two lines.',
  'Setext heading\n---',
  '- item\n- item\n\n1. one\n2. two',
  '> quoted',
  '```ts\nconst a = 1;\n```',
  '| a | b |\n|---|---|\n| 1 | 2 |',
  '<div>raw</div>',
].join('\n\n');

/**
 * Lexes a sample of every kind of block, twice: the first lexing of a page compiles marked's regular
 * expressions (unicode classes and all) and runs them interpreted, which costs more than the answers
 * themselves (~140 of the ~260 ms sampled from the click to the paint of an opened conversation's
 * first six messages, bench 10l --profile, loaded), against well under 1 ms per answer once warm.
 * Run as this chunk arrives, before any answer needs it (the full renderer's lexer is the same one).
 */
export function warmUpLexer(): void {
  for (let run = 0; run < 2; run++) Lexer.lex(WARM_UP_SAMPLE, { gfm: true });
}
