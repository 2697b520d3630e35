import { MantineProvider } from '@mantine/core';
import { act, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const { default: FinishedMarkdown, finishedTokens } = await import(
  '../../src/renderer/markdown/FinishedMarkdown'
);
// The real one (the Markdown tests below draw a stand-in for it).
const { default: MarkdownView } = await vi.importActual<
  typeof import('../../src/renderer/markdown/MarkdownView')
>('../../src/renderer/markdown/MarkdownView');

const wrap = (node: ReactNode) => <MantineProvider>{node}</MantineProvider>;

const prose = Array.from(
  { length: 4 },
  (_, i) =>
    `## Part ${i}\n\nSome **bold**, *em* and \`code\` in paragraph ${i},\nover two lines with a [link](https://example.com/${i}).\n\n- first\n- second\n\n1. one\n2. two\n\n> Quote ${i}.\n\n---\n\n`,
).join('');

describe('FinishedMarkdown, the light renderer of a finished answer', () => {
  it('draws prose, headings, lists and quotes with the same blocks and elements as the full renderer', () => {
    const light = render(wrap(<FinishedMarkdown text={prose} />)).container;
    const full = render(wrap(<MarkdownView text={prose} streaming={false} />)).container;
    const blocksOf = (container: HTMLElement) =>
      [...container.querySelectorAll('.lc-block')].map((block) => block.innerHTML);
    expect(blocksOf(light).length).toBeGreaterThan(20);
    expect(blocksOf(light)).toEqual(blocksOf(full));
    // The same container (Typography's classes), and its blocks one level down, as markdown.css expects.
    expect(light.querySelector('.lc-markdown')?.className).toBe(
      full.querySelector('.lc-markdown')?.className,
    );
    expect(light.querySelector('.lc-markdown > div > .lc-block')).not.toBeNull();
  });

  it('says which answers the full renderer draws otherwise (code, tables, entities)', () => {
    expect(finishedTokens(prose).complete).toBe(true);
    expect(finishedTokens('Text\n\n```ts\nconst a = 1;\n```\n').complete).toBe(false);
    expect(finishedTokens('| a | b |\n|---|---|\n| 1 | 2 |\n').complete).toBe(false);
    expect(finishedTokens('Fish &amp; chips').complete).toBe(false);
  });

  it('draws a code block in its frame, as text (highlighted once the full renderer draws it)', () => {
    const { container } = render(wrap(<FinishedMarkdown text={'Look:\n\n```ts\nconst a = 1;\n```\n'} />));
    expect(container.querySelector('[data-streamdown="code-block"] pre code')?.textContent).toBe(
      'const a = 1;',
    );
  });
});

// The full renderer's chunk, without streamdown: every text it was rendered with, and its loads
// (each load warms its lexer up).
const full = vi.hoisted(() => ({ drawn: [] as string[], loads: 0 }));
vi.mock('../../src/renderer/markdown/MarkdownView', async (original) => {
  const actual = await original<typeof import('../../src/renderer/markdown/MarkdownView')>();
  return {
    ...actual,
    default: (props: { text: string; streaming: boolean }) => {
      full.drawn.push(props.text);
      return <p data-testid="full">{props.text}</p>;
    },
    warmUpLexer: () => {
      full.loads++;
    },
  };
});

/** A fresh copy of the Markdown module (its loaded renderers are module state). */
async function freshMarkdown() {
  vi.resetModules();
  return import('../../src/renderer/markdown/Markdown');
}
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

/** Idle callbacks the page asked for, run by the test. */
const idle: (() => void)[] = [];
beforeEach(() => {
  full.drawn.length = 0;
  window.requestIdleCallback = ((task: () => void) => {
    idle.push(task);
    return idle.length;
  }) as typeof window.requestIdleCallback;
});
afterEach(() => {
  idle.length = 0;
  vi.useRealTimers();
});
// jsdom has none: the files after this one (in the same worker) must not see the stub.
afterAll(() => {
  delete (window as { requestIdleCallback?: unknown }).requestIdleCallback;
});

describe('Markdown, which renderer draws an answer', () => {
  it('draws a stored answer with the light renderer in its first render while the full one is still to load', async () => {
    const { Markdown, loadFinishedMarkdown } = await freshMarkdown();
    await loadFinishedMarkdown();
    const { container } = render(wrap(<Markdown text="Day **one**" streaming={false} />));
    // The commit React hands to the browser: Markdown already, no plain-text frame before it.
    expect(container.querySelector('[data-markdown-light] strong')?.textContent).toBe('one');
    expect(container.querySelector('[data-markdown-loading]')).toBeNull();
  });

  it('draws an answer with code again with the full renderer once it has loaded; prose stays as drawn', async () => {
    const { Markdown, loadFinishedMarkdown, loadMarkdownView } = await freshMarkdown();
    await loadFinishedMarkdown();
    const code = 'Look:\n\n```ts\nconst a = 1;\n```\n';
    const { container } = render(
      wrap(
        <>
          <Markdown text={code} streaming={false} />
          <Markdown text="Just *prose*." streaming={false} />
        </>,
      ),
    );
    expect(container.querySelectorAll('[data-markdown-light]')).toHaveLength(2);
    const prose = container.querySelector('[data-markdown-light] em');
    await act(() => loadMarkdownView());
    await settle();
    expect(full.drawn).toEqual([code]);
    expect(container.querySelectorAll('[data-markdown-light]')).toHaveLength(1);
    // The prose answer was not drawn again.
    expect(container.querySelector('[data-markdown-light] em')).toBe(prose);
  });

  it('never draws a streaming answer with the light renderer, and keeps the full one once it has finished', async () => {
    const { Markdown, loadFinishedMarkdown } = await freshMarkdown();
    await loadFinishedMarkdown();
    const view = (streaming: boolean) => wrap(<Markdown text="Streamed *text*" streaming={streaming} />);
    const { container, rerender } = render(view(true));
    expect(container.querySelector('[data-markdown-light]')).toBeNull();
    expect(container.querySelector('[data-markdown-loading]')).not.toBeNull();
    await settle();
    expect(container.querySelector('[data-testid="full"]')).not.toBeNull();
    rerender(view(false));
    expect(container.querySelector('[data-markdown-light]')).toBeNull();
    expect(container.querySelector('[data-testid="full"]')?.textContent).toBe('Streamed *text*');
  });

  it('loads the full renderer when the page is idle, not while a conversation opens', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const { postponeIdleLoads, preloadMarkdownWhenIdle } = await freshMarkdown();
    const loadsBefore = full.loads;
    preloadMarkdownWhenIdle();
    postponeIdleLoads();
    idle.shift()?.();
    await vi.advanceTimersByTimeAsync(500);
    expect(full.loads).toBe(loadsBefore);
    // The opening is over: the next idle moment loads it.
    await vi.advanceTimersByTimeAsync(600);
    idle.shift()?.();
    await vi.waitFor(() => expect(full.loads).toBe(loadsBefore + 1));
  });
});
