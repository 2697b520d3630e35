import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// The renderer's chunk, without streamdown and shiki: what the page asks of it is recorded.
const renderer = vi.hoisted(() => ({ loaded: 0, warmUpHighlighter: vi.fn(), warmUpLexer: vi.fn() }));
vi.mock('../../src/renderer/markdown/MarkdownView', () => {
  renderer.loaded++;
  return {
    default: () => null,
    warmUpHighlighter: renderer.warmUpHighlighter,
    warmUpLexer: renderer.warmUpLexer,
  };
});

const { preloadMarkdownWhenIdle, warmUpHighlighterForAnswers } = await import(
  '../../src/renderer/markdown/Markdown'
);

/** Idle callbacks the page asked for, run one at a time by the test. */
const idle: (() => void)[] = [];
window.requestIdleCallback = ((task: () => void) => {
  idle.push(task);
  return idle.length;
}) as typeof window.requestIdleCallback;

/** Runs the next idle callback, then lets the promises it started settle. */
async function nextIdle(): Promise<void> {
  const task = idle.shift();
  if (!task) throw new Error('no idle callback was asked for');
  task();
  for (let turn = 0; turn < 5; turn++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

afterEach(() => {
  idle.length = 0;
});
// jsdom has none: the files after this one (in the same worker) must not see the stub.
afterAll(() => {
  delete (window as { requestIdleCallback?: unknown }).requestIdleCallback;
});

describe('the Markdown renderer and the code highlighter', () => {
  it('loads the renderer when the page is first idle and warms its lexer up, without compiling any grammar', async () => {
    preloadMarkdownWhenIdle();
    expect(renderer.loaded).toBe(0);
    await nextIdle();
    expect(renderer.loaded).toBe(1);
    // The first lexing of a page compiles marked's expressions: done before any answer needs it.
    expect(renderer.warmUpLexer).toHaveBeenCalledTimes(1);
    expect(renderer.warmUpHighlighter).not.toHaveBeenCalled();
    expect(idle).toHaveLength(0);
  });

  it('compiles the grammars once the user writes a message, one language per idle moment', async () => {
    warmUpHighlighterForAnswers();
    warmUpHighlighterForAnswers();
    await new Promise((resolve) => setImmediate(resolve));
    const warmed: string[][] = [];
    while (idle.length > 0) {
      const before = warmed.length;
      await nextIdle();
      const calls = renderer.warmUpHighlighter.mock.calls.map(([languages]) => languages as string[]);
      // Never more than one grammar in one idle moment.
      expect(calls.length - before).toBeLessThanOrEqual(1);
      warmed.push(...calls.slice(before));
    }
    expect(warmed).toEqual([['typescript'], ['python'], ['bash'], ['json']]);
  });
});
