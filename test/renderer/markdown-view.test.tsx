import { readFileSync } from 'node:fs';
import { MantineProvider, Typography } from '@mantine/core';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Streamdown } from 'streamdown';
import { describe, expect, it, vi } from 'vitest';
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

  it("sits in Mantine's Typography root: the same classes as the component's", () => {
    const ours = render(wrap(<MarkdownView text="Some *text*" streaming={true} />)).container;
    const theirs = render(wrap(<Typography className="lc-markdown" />)).container;
    const classes = (element: Element | null) => new Set(element?.className.split(/\s+/));
    expect(classes(ours.firstElementChild)).toEqual(classes(theirs.firstElementChild));
    expect(ours.firstElementChild?.tagName).toBe(theirs.firstElementChild?.tagName);
  });

  it('keeps each finished block in a box of its own, the same element to the end', () => {
    const { container, firstHeading } = streamInto(answer, 11);
    expect(container.querySelectorAll('.lc-block').length).toBeGreaterThan(20);
    // The first finished block is the same element from the moment it finished to the end.
    expect(firstHeading?.textContent).toBe('Part 0');
    expect(container.querySelector('.lc-block h2')).toBe(firstHeading);
  });
});

describe('markdown.css: a finished block while the stream scrolls', () => {
  const css = readFileSync('src/renderer/markdown/markdown.css', 'utf8');
  const rules = (selector: string) =>
    [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)]
      .filter(([, selectors]) => selectors!.replace(/\/\*[\s\S]*?\*\//g, '').trim() === selector)
      .map(([, , body]) => body!);

  it('has its layout contained, not its paint, and is not skipped', () => {
    // With `content-visibility: auto` every render of a stream took two or three style and layout
    // rounds, and the scroll that follows it another (bench 7b, trace: contentvisibilityautostatechange).
    // With `contain: content` (paint too) each block was a paint layer, and the blocks around the
    // window were painted again in every render's frame as the stream scrolled (bench 7b trace).
    expect(rules('.lc-markdown .lc-block')).toEqual([
      expect.stringMatching(/^\s*contain: layout style;\s*$/),
    ]);
    expect(css.replace(/\/\*[\s\S]*?\*\//g, '')).not.toMatch(/content-visibility/);
  });
});

describe('MarkdownView: finished prose drawn without streamdown', () => {
  const prose = [
    '# Title with *em* and `code`',
    'A paragraph with **bold**, ~~gone~~, a [link](https://example.com/a), www.example.org and a\nhard  \nbreak, \\*escaped\\*.',
    '- one\n- **two**\n  - nested\n- three',
    '3. three\n4. four',
    '> quoted **text**\n>\n> more',
    '---',
    '1. loose\n\n2. items',
    '- a loose item\n\n  with two paragraphs\n\n- and one',
  ].join('\n\n');

  it('shows the same text and elements as streamdown for prose, headings, lists and quotes', () => {
    const ours = render(wrap(<MarkdownView text={`${prose}\n`} streaming={false} />)).container;
    const theirs = render(
      wrap(
        <Streamdown mode="static" linkSafety={{ enabled: false }}>
          {`${prose}\n`}
        </Streamdown>,
      ),
    ).container;
    expect(ours.querySelector('[data-streamdown="heading-1"], [data-streamdown="paragraph"]')).toBeNull();
    const squeeze = (node: Element) => (node.textContent ?? '').replace(/\s+/g, '');
    expect(squeeze(ours)).toBe(squeeze(theirs));
    const shape = (node: Element) =>
      ['h1', 'p', 'ul', 'ol', 'li', 'blockquote', 'hr', 'em', 'del', 'code', 'a', 'br'].map(
        (tag) => `${tag} ${node.querySelectorAll(tag).length}`,
      );
    expect(shape(ours)).toEqual(shape(theirs));
    expect(ours.querySelector('ol')?.getAttribute('start')).toBe('3');
  });

  it('still sends code, tables, task lists and entities through streamdown', () => {
    const text =
      '```ts\nconst a = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\nA &copy; sign\n';
    const { container } = render(wrap(<MarkdownView text={text} streaming={false} />));
    expect(container.querySelector('[data-streamdown="code-block"]')).not.toBeNull();
    expect(container.querySelector('[data-streamdown="table-wrapper"] td')?.textContent).toBe('1');
    expect(container.querySelector('input[type="checkbox"]')).not.toBeNull();
    expect(container.textContent).toContain('A © sign');
  });
});

describe('MarkdownView: what a model cannot do with its Markdown', () => {
  it('shows raw HTML as text instead of rendering it', () => {
    const text = 'Look: <img src=x onerror="alert(1)"> and <b>bold</b>\n\n<div onclick="x()">block</div>\n';
    const { container } = render(wrap(<MarkdownView text={text} streaming={false} />));
    expect(container.querySelector('img, b, div[onclick]')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(container.textContent).toContain('<b>bold</b>');
    expect(container.textContent).toContain('<div onclick="x()">block</div>');
  });

  it('shows every link target as its title and opens it in a new tab', () => {
    const text = 'See [the docs](https://example.com/docs) or https://ollama.com/library.\n';
    const { container } = render(wrap(<MarkdownView text={text} streaming={false} />));
    const links = [...container.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('title'))).toEqual([
      'https://example.com/docs',
      'https://ollama.com/library',
    ]);
    for (const link of links) {
      expect(link.getAttribute('target')).toBe('_blank');
      expect(link.getAttribute('rel')).toContain('noopener');
    }
  });

  it('asks before opening a link whose text differs from its URL, showing the URL', async () => {
    const opened: string[] = [];
    const open = vi.spyOn(window, 'open').mockImplementation((url) => {
      opened.push(String(url));
      return null;
    });
    try {
      const text = 'Click [your bank](https://evil.example/login) now.\n';
      const { container } = render(wrap(<MarkdownView text={text} streaming={false} />));
      const link = container.querySelector('a');
      if (!link) throw new Error('no link rendered');
      const click = new MouseEvent('click', { bubbles: true, cancelable: true });
      link.dispatchEvent(click);
      expect(click.defaultPrevented).toBe(true);
      const dialog = await screen.findByRole('dialog');
      expect(dialog.textContent).toContain('https://evil.example/login');
      expect(opened).toEqual([]);

      fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      expect(opened).toEqual([]);

      link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
      fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Open link' }));
      expect(opened).toEqual(['https://evil.example/login']);
    } finally {
      open.mockRestore();
    }
  });

  it('opens a link shown as its own URL without asking', () => {
    const text = 'Read https://ollama.com/library first.\n';
    const { container } = render(wrap(<MarkdownView text={text} streaming={false} />));
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    container.querySelector('a')?.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(false);
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
