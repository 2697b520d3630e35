import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import MarkdownView from '../../src/renderer/markdown/MarkdownView';

const answer = Array.from(
  { length: 8 },
  (_, i) => `## Part ${i}\n\nSome **bold** text in paragraph ${i}.\n\n- first\n- second\n\n> Quote ${i}.\n\n`,
).join('');

const wrap = (node: ReactNode) => <MantineProvider>{node}</MantineProvider>;

/** Renders `text` as it streams in `step`-character updates, then finished. */
function streamInto(text: string, step: number) {
  const view = (shown: string, streaming: boolean) =>
    wrap(<MarkdownView text={shown} streaming={streaming} />);
  const { container, rerender } = render(view(text.slice(0, step), true));
  let firstHeading: Element | null = null;
  for (let end = 2 * step; end < text.length + step; end += step) {
    rerender(view(text.slice(0, end), true));
    firstHeading ??= container.querySelector('.lc-block h2');
  }
  rerender(view(text, false));
  return { container, firstHeading };
}

describe('MarkdownView', () => {
  it('ends a streamed answer with the same text and elements as the answer rendered at once', () => {
    const streamed = streamInto(answer, 7).container;
    const atOnce = render(wrap(<MarkdownView text={answer} streaming={false} />)).container;
    expect(streamed.textContent).toBe(atOnce.textContent);
    expect(streamed.querySelectorAll('h2, p, li, blockquote')).toHaveLength(
      atOnce.querySelectorAll('h2, p, li, blockquote').length,
    );
  });

  it('puts finished blocks in boxes the browser may skip while off screen', () => {
    const { container, firstHeading } = streamInto(answer, 11);
    expect(container.querySelectorAll('.lc-block').length).toBeGreaterThan(20);
    // The first finished block is the same element from the moment it finished to the end.
    expect(firstHeading?.textContent).toBe('Part 0');
    expect(container.querySelector('.lc-block h2')).toBe(firstHeading);
  });
});
