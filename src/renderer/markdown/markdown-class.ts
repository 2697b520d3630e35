import { Typography } from '@mantine/core';

/**
 * An answer's container classes: Mantine's Typography root, drawn as a plain element. The container
 * re-renders on every update of a stream, and the component (its props and styles resolved, then a
 * Box) cost more there than the classes it adds. Both renderers (MarkdownView, FinishedMarkdown) use it.
 */
export const MARKDOWN_CLASS = `${Typography.classes.root} mantine-Typography-root lc-markdown`;
