import { Typography } from '@mantine/core';
import { createCodePlugin } from '@streamdown/code';
import type { ComponentProps } from 'react';
import { Streamdown } from 'streamdown';
import { CODE_THEMES } from '../theme';
import './markdown.css';

const code = createCodePlugin({ themes: [...CODE_THEMES] });
const plugins = { code };
const controls = {
  code: { copy: true, download: false },
  table: false,
  mermaid: false,
  image: false,
} as const;

/** Links leave the app: a new browser tab, or the system browser in the desktop app (main process rule). */
function ExternalLink({ node: _node, ...props }: ComponentProps<'a'> & { node?: unknown }) {
  return <a {...props} target="_blank" rel="noopener noreferrer" />;
}
const components = { a: ExternalLink };

/**
 * An answer as Markdown. streamdown splits it into blocks and memoises the finished ones, so each
 * frame re-renders only the block still streaming; it also closes unterminated syntax (`**bo…`).
 */
export default function MarkdownView({ text, streaming }: { text: string; streaming: boolean }) {
  return (
    <Typography className="lc-markdown">
      <Streamdown
        mode="streaming"
        isAnimating={streaming}
        plugins={plugins}
        shikiTheme={[...CODE_THEMES]}
        controls={controls}
        components={components}
        lineNumbers={false}
        linkSafety={{ enabled: false }}
      >
        {text}
      </Streamdown>
    </Typography>
  );
}

/**
 * Loads the highlighter and the common grammars before the first code block needs them, so that its
 * one long start-up task happens while the user is idle rather than in the middle of a stream.
 */
export function warmUpHighlighter(
  languages: readonly string[] = ['typescript', 'python', 'bash', 'json'],
): void {
  for (const language of languages) {
    code.highlight({
      code: 'x',
      language: language as Parameters<typeof code.highlight>[0]['language'],
      themes: [...CODE_THEMES],
    });
  }
}
