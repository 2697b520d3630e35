import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import { Lexer } from 'marked';
import remend from 'remend';
import { describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../../bench/lib/seeded-random';
import { OpenMarkdown, openBlockTokens } from '../../src/renderer/markdown/OpenMarkdown';

const draw = (text: string) =>
  render(
    <MantineProvider>
      <OpenMarkdown text={text} />
    </MantineProvider>,
  ).container;

describe('the open block of a streaming answer', () => {
  it('shows bold, code and emphasis as they are written, closing what the stream left open', () => {
    const container = draw('Some **bold** and `code` and *em* then **unfini');
    expect([...container.querySelectorAll('strong')].map((node) => node.textContent)).toEqual([
      'bold',
      'unfini',
    ]);
    expect(container.querySelector('code')?.textContent).toBe('code');
    expect(container.querySelector('em')?.textContent).toBe('em');
    expect(container.textContent).not.toContain('**');
  });

  it('draws headings, lists, quotes and tables with their own elements', () => {
    const container = draw(
      '## Title\n\n- one\n- **two**\n\n3. three\n4. four\n\n> quoted\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n',
    );
    expect(container.querySelector('h2')?.textContent).toBe('Title');
    expect([...container.querySelectorAll('ul > li')].map((node) => node.textContent)).toEqual([
      'one',
      'two',
    ]);
    expect(container.querySelector('ol')?.getAttribute('start')).toBe('3');
    expect(container.querySelector('blockquote')?.textContent).toContain('quoted');
    expect([...container.querySelectorAll('td')].map((node) => node.textContent)).toEqual(['1', '2']);
  });

  it('draws an unfinished code block in the code block frame, its text as written', () => {
    const container = draw('```ts\nconst a = 1 < 2;\nconst b');
    const block = container.querySelector('[data-streamdown="code-block"]');
    expect(block?.querySelector('[data-streamdown="code-block-header"]')?.textContent).toBe('ts');
    expect(block?.querySelector('pre code')?.textContent).toBe('const a = 1 < 2;\nconst b');
  });

  it('shows raw HTML as text and links only to web and mail addresses', () => {
    const container = draw(
      'Look <img src=x onerror="alert(1)"> <b>b</b> [site](https://example.com) [bad](javascript:alert(1)) ![pic](https://example.com/a.png)',
    );
    expect(container.querySelector('img, b')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(container.textContent).toContain('<b>b</b>');
    const links = [...container.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['https://example.com']);
    expect(links[0]?.getAttribute('rel')).toContain('noopener');
    expect(container.textContent).toContain('bad');
    expect(container.textContent).toContain('pic');
  });
});

/** Words and the inline syntax a model writes, plus every character a block can start with. */
const PIECES = [
  'word',
  ' ',
  ' ',
  'Étude',
  '**',
  '*',
  '_',
  '__',
  '`',
  '~~',
  '[',
  ']',
  '(',
  ')',
  'https://example.com',
  'www.example.org',
  'me@example.com',
  '<b>',
  '</b>',
  '&amp;',
  '&#35;',
  '\\',
  '!',
  '#',
  '-',
  '+',
  '1.',
  '>',
  '|',
  '=',
  ':',
  '.',
  '  ',
  '\n',
  '```',
  '$$',
  '[^1]',
  '<!--',
];

describe('the open block read by the inline lexer alone', () => {
  it('gives the tokens the block lexer gives, for every prefix of a stream', () => {
    const next = seededRandom(11);
    let fast = 0;
    for (let sample = 0; sample < 30; sample++) {
      let text = next() < 0.8 ? 'Start' : '';
      for (let piece = 0; piece < 30; piece++) text += PIECES[Math.floor(next() * PIECES.length)]!;
      for (let end = 1; end <= text.length; end++) {
        const prefix = text.slice(0, end);
        if (/^\p{L}[^\n\r]*$/u.test(remend(prefix))) fast++;
        expect([...openBlockTokens(prefix)], prefix).toEqual([...Lexer.lex(remend(prefix), { gfm: true })]);
      }
    }
    expect(fast).toBeGreaterThan(200);
  });

  it('does not run the block lexer while a one-line paragraph grows', () => {
    const blockPasses = vi.spyOn(Lexer.prototype, 'blockTokens');
    const words = Array.from({ length: 60 }, (_, i) => (i % 7 === 3 ? ` **w${i}**` : ` w${i}`));
    const view = (text: string) => (
      <MantineProvider>
        <OpenMarkdown text={text} />
      </MantineProvider>
    );
    const { container, rerender } = render(view('Text'));
    let text = 'Text';
    for (const word of words) {
      text += word;
      rerender(view(text));
    }
    expect(container.querySelector('p')?.textContent).toBe(text.replaceAll('**', ''));
    expect(container.querySelectorAll('strong')).toHaveLength(9);
    expect(blockPasses).not.toHaveBeenCalled();
    blockPasses.mockRestore();
  });
});
