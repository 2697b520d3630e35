import { createCodePlugin } from '@streamdown/code';
import { CODE_THEMES } from '../theme';
import { DeferredHighlighter } from './deferred-highlighter';

/**
 * The page's one code highlighter (shiki through streamdown's plugin): highlighting waits for idle
 * time, blocks on screen first, so opening a conversation paints its code as text at once.
 */
export const codeHighlighter = new DeferredHighlighter(createCodePlugin({ themes: [...CODE_THEMES] }));
