import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import { Lexer } from 'marked';
import remend from 'remend';
import { parseMarkdownIntoBlocks } from 'streamdown';
import { describe, expect, it, vi } from 'vitest';
import { markdownDocument } from '../../bench/lib/answers';
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

/** True when no character is beyond Latin-1 (V8 can keep such a string one byte per character). */
const latin1 = (text: string) => [...text].every((char) => char.charCodeAt(0) <= 0xff);

/** A list, quote or paragraph of a few lines as a model writes them, words with bold and code. */
function simpleBlock(next: () => number): string {
  const word = () => {
    const plain = ['Relay', 'token', 'answer', 'the', 'window', 'Étude', 'a'][Math.floor(next() * 7)]!;
    const roll = next();
    return roll < 0.1 ? `**${plain}**` : roll < 0.2 ? `\`${plain}\`` : plain;
  };
  const text = () => Array.from({ length: 1 + Math.floor(next() * 5) }, word).join(' ');
  const lines = 1 + Math.floor(next() * 4);
  const kind = Math.floor(next() * 5);
  return Array.from({ length: lines }, (_, line) =>
    kind === 0
      ? `- ${text()}`
      : kind === 1
        ? `${line + 1}. ${text()}`
        : kind === 2
          ? `> ${text()}`
          : kind === 3
            ? `* ${text()}`
            : text(),
  ).join('\n');
}

describe('the open block while a list, a quote or a setext underline is written', () => {
  it('gives the tokens of the remended text without handing the lexer its zero-width space', () => {
    // remend puts U+200B after a last line of `-`, `--`, `=` or `==` (a list's next item, before its
    // text): the one character beyond Latin-1 in an ASCII answer, which makes V8 compile every
    // expression marked tries on it again, for two-byte strings.
    const seen: string[] = [];
    const block = vi.spyOn(Lexer.prototype, 'blockTokens');
    const inline = vi.spyOn(Lexer.prototype, 'inlineTokens');
    const next = seededRandom(12);
    let guarded = 0;
    try {
      for (let sample = 0; sample < 60; sample++) {
        const last = ['-', '--', '=', '==', '- ', '-\n'][Math.floor(next() * 6)]!;
        const text = `${simpleBlock(next)}\n${last}`;
        for (let end = 1; end <= text.length; end++) {
          const prefix = text.slice(0, end);
          block.mockClear();
          inline.mockClear();
          const tokens = [...openBlockTokens(prefix)];
          for (const call of [...block.mock.calls, ...inline.mock.calls]) seen.push(call[0]);
          const remended = remend(prefix);
          if (remended.includes('\u200B')) guarded++;
          expect(tokens, prefix).toEqual([...Lexer.lex(remended, { gfm: true })]);
        }
      }
    } finally {
      block.mockRestore();
      inline.mockRestore();
    }
    expect(guarded).toBeGreaterThan(50);
    expect(seen.filter((text) => !latin1(text))).toEqual([]);
  });

  it('keeps a zero-width space the answer itself has', () => {
    const text = 'Para\u200Bgraph **bold**\n-';
    expect([...openBlockTokens(text)]).toEqual([...Lexer.lex(remend(text), { gfm: true })]);
    const soft = 'Soft\u00ADhyphen\n-';
    expect([...openBlockTokens(soft)]).toEqual([...Lexer.lex(remend(soft), { gfm: true })]);
  });

  it('gives the tokens the block lexer gives for every prefix of every block of the bench answer', () => {
    const answer = markdownDocument(3_000);
    let prefixes = 0;
    for (const block of parseMarkdownIntoBlocks(answer)) {
      for (let end = 1; end <= block.length; end++) {
        const prefix = block.slice(0, end);
        expect([...openBlockTokens(prefix)], prefix).toEqual([...Lexer.lex(remend(prefix), { gfm: true })]);
        prefixes++;
      }
    }
    expect(prefixes).toBe(answer.length);
  });
});
