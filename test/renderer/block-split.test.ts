import { parseMarkdownIntoBlocks } from 'streamdown';
import { describe, expect, it, vi } from 'vitest';
import { type BlockSplit, splitIntoBlocks } from '../../src/renderer/markdown/block-split';

// The real splitter, counted: how often a stream re-splits its open tail.
vi.mock('streamdown', async (importOriginal) => {
  const actual = await importOriginal<typeof import('streamdown')>();
  return { ...actual, parseMarkdownIntoBlocks: vi.fn(actual.parseMarkdownIntoBlocks) };
});

/** A long answer with the blocks a model writes: headings, paragraphs, lists, code, tables. */
function longAnswer(sections: number): string {
  let text = '';
  for (let i = 0; i < sections; i++) {
    text += `## Part ${i}\n\nSome **bold** text and \`code\` in paragraph ${i}.\n\n`;
    text += `- first item\n- second item\n\n1. one\n2. two\n\n`;
    text += `\`\`\`ts\nconst part${i} = ${i};\n\nconsole.log(part${i});\n\`\`\`\n\n`;
    text += `| name | value |\n| --- | --- |\n| part | ${i} |\n\n> A quote.\n\n`;
    text += `- a loose item\n\n- another, with\n\n  a second paragraph\n\nTitle ${i}\n---\n\n    indented code\n\n    more of it\n\n`;
  }
  return text;
}

/** Streams `text` in chunks of 1–7 characters, like tokens, and returns every split on the way. */
function streamed(text: string): BlockSplit[] {
  const splits: BlockSplit[] = [];
  let previous: BlockSplit | null = null;
  for (let end = 0, step = 0; end < text.length; step++) {
    end = Math.min(text.length, end + 1 + (step % 7));
    previous = splitIntoBlocks(previous, text.slice(0, end), true);
    splits.push(previous);
  }
  return splits;
}

describe('splitIntoBlocks', () => {
  it('covers the text exactly at every step of a stream: finished blocks, then the open tail', () => {
    const text = longAnswer(6);
    let streamedSoFar = '';
    let previous: BlockSplit | null = null;
    for (const chunk of text.match(/[\s\S]{1,5}/g) ?? []) {
      streamedSoFar += chunk;
      previous = splitIntoBlocks(previous, streamedSoFar, true);
      expect(previous.finishedText + previous.open).toBe(streamedSoFar);
      expect(previous.finished.join('')).toBe(previous.finishedText);
    }
  });

  it('never changes a block once it is finished', () => {
    const splits = streamed(longAnswer(6));
    for (let i = 1; i < splits.length; i++) {
      const before = splits[i - 1]!.finished;
      expect(splits[i]!.finished.slice(0, before.length)).toEqual(before);
    }
    expect(splits.at(-1)!.finished.length).toBeGreaterThan(20);
  });

  it('keeps the open tail short however long the answer grows', () => {
    const splits = streamed(longAnswer(40));
    const longestOpen = Math.max(...splits.map((split) => split.open.length));
    expect(longestOpen).toBeLessThan(200);
  });

  it('splits a finished answer whole, into exactly the blocks of the complete text', () => {
    const text = longAnswer(6);
    const last = streamed(text).at(-1)!;
    const final = splitIntoBlocks(last, text, false);
    expect(final.open).toBe('');
    expect(final.finished).toEqual(parseMarkdownIntoBlocks(text));
  });

  it('starts again when the text does not extend the previous one (another answer)', () => {
    const first = streamed(longAnswer(3)).at(-1)!;
    const other = '# Another answer\n\nShort.\n\n- a\n- b\n';
    const split = splitIntoBlocks(first, other, true);
    expect(split.finishedText + split.open).toBe(other);
    expect(split.finished).toEqual(parseMarkdownIntoBlocks(other).slice(0, split.finished.length));
  });

  it('splits again only when an update brings a line break: a long paragraph costs no split per token', () => {
    const paragraph = Array.from({ length: 300 }, (_, i) => (i % 9 === 0 ? `**word${i}**` : `word${i}`)).join(
      ' ',
    );
    const text = `## Title\n\n${paragraph}\n\nNext.\n`;
    const chunks = text.match(/[\s\S]{1,6}/g) ?? [];
    const split = vi.mocked(parseMarkdownIntoBlocks);
    split.mockClear();
    let previous: BlockSplit | null = null;
    let soFar = '';
    let withBreak = 0;
    for (const chunk of chunks) {
      soFar += chunk;
      if (chunk.includes('\n')) withBreak++;
      previous = splitIntoBlocks(previous, soFar, true);
      expect(previous.finishedText + previous.open).toBe(soFar);
    }
    expect(chunks.length).toBeGreaterThan(300);
    // The first update, then one per update with a line break (the paragraph has none).
    expect(split).toHaveBeenCalledTimes(1 + withBreak);
    expect(previous?.finished).toEqual(['## Title\n\n', `${paragraph}\n\n`]);
    expect(splitIntoBlocks(previous, text, false).finished).toEqual(parseMarkdownIntoBlocks(text));
  });
});
