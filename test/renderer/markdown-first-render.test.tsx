import { act, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

/** The renderer's chunk, without streamdown: every text it was rendered with. */
const drawn = vi.hoisted(() => [] as string[]);
vi.mock('../../src/renderer/markdown/MarkdownView', () => ({
  default: ({ text }: { text: string }) => {
    drawn.push(text);
    return <p data-testid="markdown">{text}</p>;
  },
  warmUpHighlighter: () => {},
  warmUpLexer: () => {},
}));

const { Markdown, preloadMarkdownWhenIdle } = await import('../../src/renderer/markdown/Markdown');

describe('an answer drawn once the Markdown renderer has loaded', () => {
  it('is drawn as Markdown in its first render, not as plain text first (an opened conversation was painted twice)', async () => {
    let idle: (() => void) | undefined;
    window.requestIdleCallback = ((task: () => void) => {
      idle = task;
      return 1;
    }) as typeof window.requestIdleCallback;
    preloadMarkdownWhenIdle();
    idle?.();
    // The chunk's import settles.
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));

    render(<Markdown text="Day **one**" streaming={false} />);
    // The commit React hands to the browser: no plain-text frame before it.
    expect(screen.getByTestId('markdown').textContent).toBe('Day **one**');
    expect(drawn).toEqual(['Day **one**']);
  });
});
