import '../mantine-later.css';
import { memo, useCallback, useMemo, useRef } from 'react';
import {
  Block,
  type BlockProps,
  defaultRehypePlugins,
  parseMarkdownIntoBlocks,
  Streamdown,
} from 'streamdown';
import { CODE_THEMES } from '../theme';
import { type BlockSplit, splitIntoBlocks } from './block-split';
import { CodeInView } from './CodeInView';
import { codeHighlighter } from './code-highlighter';
import { ExternalLink } from './ExternalLink';
import { MARKDOWN_CLASS } from './markdown-class';
import { blocks, plainBlockTokens } from './marked-blocks';
import { OpenMarkdown } from './OpenMarkdown';
// Mantine's Typography before markdown.css, which overrides some of its margins (equal specificity:
// the later rule wins), in this chunk's own stylesheet.
import '@mantine/core/styles/Typography.css';
import './markdown.css';

const plugins = { code: codeHighlighter.plugin };
const shikiTheme: [(typeof CODE_THEMES)[0], (typeof CODE_THEMES)[1]] = [...CODE_THEMES];
const linkSafety = { enabled: false };
const controls = {
  code: { copy: true, download: false },
  table: false,
  mermaid: false,
  image: false,
} as const;

const components = { a: ExternalLink, code: CodeInView };
// Without rehype-raw, streamdown turns raw HTML in an answer into text: a model's `<img onerror=…>` is shown, not run.
const rehypePlugins = [defaultRehypePlugins.sanitize, defaultRehypePlugins.harden].filter(
  (plugin) => plugin !== undefined,
);

/**
 * A finished block, rendered once: later updates of the stream leave it (and its layout) alone.
 * Prose, headings, lists and quotes are drawn from marked's tokens, as the open block was; only a
 * block that needs more (code to highlight, a table, raw HTML…) goes through streamdown's pipeline,
 * which costs several times as much per block.
 */
const FinishedBlock = memo(function FinishedBlock(props: BlockProps) {
  const plain = useMemo(() => plainBlockTokens(props.content), [props.content]);
  return <div className="lc-block">{plain ? blocks(plain) : <Block {...props} />}</div>;
});

/** The props both parts share; module constants, so the finished part's memo holds. */
const shared = {
  plugins,
  shikiTheme,
  controls,
  components,
  rehypePlugins,
  lineNumbers: false,
  linkSafety,
} as const;

/** The split of `text`, carried over from the previous render so a stream re-splits only its tail. */
function useBlockSplit(text: string, streaming: boolean): BlockSplit {
  const last = useRef<BlockSplit | null>(null);
  return useMemo(() => {
    last.current = splitIntoBlocks(last.current, text, streaming);
    return last.current;
  }, [text, streaming]);
}

/**
 * An answer as Markdown, in two parts: the finished blocks, rendered by streamdown once each and
 * never again, and the open block at the end, the only part a streaming update re-renders, drawn
 * by the cheaper `OpenMarkdown` (its unterminated syntax, `**bo…`, closed). The cost of an update
 * depends on the open tail, not on the answer.
 */
export default function MarkdownView({ text, streaming }: { text: string; streaming: boolean }) {
  const split = useBlockSplit(text, streaming);
  const current = useRef(split);
  current.current = split;
  // streamdown asks for the blocks of the text it is given: those of the finished part are known.
  const finishedBlocks = useCallback(
    (markdown: string) =>
      markdown === current.current.finishedText
        ? [...current.current.finished]
        : parseMarkdownIntoBlocks(markdown),
    [],
  );
  return (
    <div className={MARKDOWN_CLASS}>
      {split.finishedText !== '' && (
        <Streamdown
          {...shared}
          mode="streaming"
          isAnimating={false}
          parseIncompleteMarkdown={false}
          parseMarkdownIntoBlocksFn={finishedBlocks}
          BlockComponent={FinishedBlock}
        >
          {split.finishedText}
        </Streamdown>
      )}
      {split.open !== '' &&
        (streaming ? (
          <OpenMarkdown text={split.open} />
        ) : (
          // A finished answer whose blocks could not be cut off (see `splitIntoBlocks`): all of it.
          <Streamdown {...shared} mode="streaming" isAnimating={false}>
            {split.open}
          </Streamdown>
        ))}
    </div>
  );
}

/**
 * Loads the highlighter and the common grammars before the first code block needs them, so that its
 * one long start-up task happens while the user is idle rather than in the middle of a stream. Queued
 * behind the blocks on the page: it never delays a conversation being opened.
 */
export function warmUpHighlighter(
  languages: readonly string[] = ['typescript', 'python', 'bash', 'json'],
): void {
  for (const language of languages) {
    codeHighlighter.highlight({
      code: 'x',
      language: language as Parameters<typeof codeHighlighter.highlight>[0]['language'],
      themes: [...CODE_THEMES],
    });
  }
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
 * Splits and lexes a sample of every kind of block, twice: the first lexing of a page compiles
 * marked's regular expressions (unicode classes and all) and runs them interpreted, which cost more
 * than the answers themselves: ~140 of the ~260 ms sampled from the click to the paint of an opened
 * conversation's first six messages (bench 10l --profile, loaded), against well under 1 ms per answer
 * once warm. Run when the chunk has loaded, before any answer needs it.
 */
export function warmUpLexer(): void {
  for (let run = 0; run < 2; run++) {
    for (const block of splitIntoBlocks(null, WARM_UP_SAMPLE, false).finished) plainBlockTokens(block);
  }
}
