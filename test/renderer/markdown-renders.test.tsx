import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ComponentProps } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Every render of a finished block (streamdown's `Block`, which parses its Markdown), by block. */
const finishedRenders = vi.hoisted(() => new Map<string, number>());
/** Every split of a text into blocks (a lexer pass), with the length of the text split. */
const splits = vi.hoisted(() => [] as number[]);
/** Every text a `Streamdown` was rendered with (its whole pipeline runs on what is not memoised). */
const streamdownTexts = vi.hoisted(() => [] as string[]);

vi.mock('streamdown', async (importOriginal) => {
  const actual = await importOriginal<typeof import('streamdown')>();
  const { createElement, memo } = await import('react');
  function CountedBlock(props: ComponentProps<typeof actual.Block>) {
    // By position and text: the same list may come back in several places of an answer.
    const key = `${props.index}: ${props.content}`;
    finishedRenders.set(key, (finishedRenders.get(key) ?? 0) + 1);
    return createElement(actual.Block, props);
  }
  const countedSplit = (markdown: string) => {
    splits.push(markdown.length);
    return actual.parseMarkdownIntoBlocks(markdown);
  };
  // Memoised like streamdown itself: counts the renders that run its pipeline.
  const CountedStreamdown = memo((props: ComponentProps<typeof actual.Streamdown>) => {
    streamdownTexts.push(String(props.children));
    return createElement(actual.Streamdown, props);
  });
  return {
    ...actual,
    Block: CountedBlock,
    Streamdown: CountedStreamdown,
    parseMarkdownIntoBlocks: countedSplit,
  };
});

/** Every render of Mantine's Typography component. */
const typographyRenders = vi.hoisted(() => ({ count: 0 }));

vi.mock('@mantine/core', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@mantine/core')>();
  const { createElement } = await import('react');
  function CountedTypography(props: ComponentProps<typeof actual.Typography>) {
    typographyRenders.count += 1;
    return createElement(actual.Typography, props);
  }
  CountedTypography.classes = actual.Typography.classes;
  return { ...actual, Typography: CountedTypography };
});

/** Every finished block drawn from marked's tokens (looked at once per content), by block. */
const plainLooks = vi.hoisted(() => new Map<string, number>());

vi.mock('../../src/renderer/markdown/marked-blocks', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/renderer/markdown/marked-blocks')>();
  return {
    ...actual,
    plainBlockTokens: (markdown: string) => {
      plainLooks.set(markdown, (plainLooks.get(markdown) ?? 0) + 1);
      return actual.plainBlockTokens(markdown);
    },
  };
});

const { default: MarkdownView } = await import('../../src/renderer/markdown/MarkdownView');

const answer = Array.from(
  { length: 12 },
  (_, i) =>
    `## Part ${i}\n\nSome **bold** text and \`code\` in paragraph ${i}.\n\n- first\n- second\n\n\`\`\`ts\nconst part = ${i};\n\`\`\`\n\n`,
).join('');

/** Renders `text` as a stream of `step`-character updates, then finished; returns the container. */
function stream(text: string, step: number): HTMLElement {
  const view = (shown: string, streaming: boolean) => (
    <MantineProvider>
      <MarkdownView text={shown} streaming={streaming} />
    </MantineProvider>
  );
  const { container, rerender } = render(view(text.slice(0, step), true));
  for (let end = 2 * step; end < text.length + step; end += step) rerender(view(text.slice(0, end), true));
  rerender(view(text, false));
  return container;
}

afterEach(() => {
  typographyRenders.count = 0;
  plainLooks.clear();
  finishedRenders.clear();
  splits.length = 0;
  streamdownTexts.length = 0;
});

describe('MarkdownView while an answer streams', () => {
  it('renders (and so parses) each finished block once, however many updates follow it', async () => {
    const container = stream(answer, 5);
    expect(container.querySelectorAll('h2')).toHaveLength(12);
    // Each block of the answer is looked at once (the same list comes back in every part).
    const { parseMarkdownIntoBlocks } = await import('streamdown');
    const looks = [...plainLooks.values()].reduce((sum, count) => sum + count, 0);
    expect(looks).toBe(parseMarkdownIntoBlocks(answer).length);
    expect(looks).toBeGreaterThan(40);
    const again = [...finishedRenders].filter(([, count]) => count > 1);
    expect(again).toEqual([]);
  });

  it("runs streamdown's pipeline only for the blocks that need it (code), not for prose", () => {
    stream(answer, 5);
    const throughStreamdown = [...finishedRenders.keys()];
    expect(throughStreamdown).toHaveLength(12);
    expect(throughStreamdown.every((block) => block.includes('```ts'))).toBe(true);
  });

  it('gives streamdown only finished text while streaming: the open block is drawn from a cheaper lexer', () => {
    const container = stream(answer, 5);
    // Finished parts are prefixes of the answer; the open tail (a suffix) never goes through streamdown.
    expect(streamdownTexts.length).toBeGreaterThan(0);
    const notPrefixes = streamdownTexts.filter((text) => !answer.startsWith(text));
    expect(notPrefixes).toEqual([]);
    // One streamdown render per change of the finished part (plus the end), not one per update.
    expect(new Set(streamdownTexts).size).toBeGreaterThanOrEqual(streamdownTexts.length - 2);
    expect(container.querySelectorAll('h2')).toHaveLength(12);
  });

  it('splits only the open tail on an update, never the whole answer again until it ends', () => {
    stream(answer, 5);
    // Nor does an update render a Mantine component: the container is Typography's root as a plain element.
    expect(typographyRenders.count).toBe(0);
    const updates = Math.ceil(answer.length / 5);
    // Each update splits the text after the finished blocks (a block or so), not the whole answer;
    // the end splits the whole answer once.
    const whole = splits.filter((length) => length === answer.length);
    expect(whole).toHaveLength(1);
    const longest = Math.max(...splits.filter((length) => length !== answer.length));
    expect(longest).toBeLessThan(answer.length / 4);
    expect(splits.length).toBeLessThanOrEqual(updates + 1);
  });
});
