import type { CodeHighlighterPlugin, HighlightOptions, HighlightResult } from 'streamdown';

/** The two themes the page asks streamdown's highlighter for. */
export const themes: HighlightOptions['themes'] = ['github-light-default', 'github-dark-default'];

/**
 * A highlighter like shiki's plugin once its grammar is loaded: it answers in a microtask, every
 * block one token in `colour`, and records the code of each block it tokenizes in `asked`.
 */
export function fakeShiki(colour = '#0550ae') {
  const asked: string[] = [];
  const plugin: CodeHighlighterPlugin = {
    name: 'shiki',
    type: 'code-highlighter',
    getSupportedLanguages: () => ['ts'],
    getThemes: () => themes,
    supportsLanguage: () => true,
    highlight(options, callback) {
      asked.push(options.code);
      const result: HighlightResult = { tokens: [[{ content: options.code, color: colour, offset: 0 }]] };
      queueMicrotask(() => callback?.(result));
      return null;
    },
  };
  return { plugin, asked };
}
