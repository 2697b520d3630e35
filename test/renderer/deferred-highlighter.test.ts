import type { CodeHighlighterPlugin, HighlightOptions, HighlightResult } from 'streamdown';
import { describe, expect, it } from 'vitest';
import { DeferredHighlighter, type IdleDeadline } from '../../src/renderer/markdown/deferred-highlighter';
import { fakeShiki, themes } from './support/fake-shiki';

const block = (code: string, extra: Partial<HighlightOptions> = {}): HighlightOptions => ({
  code,
  language: 'ts',
  themes,
  ...extra,
});

/** Idle slices the test runs by hand, with as much idle time left as it says. */
function manualIdle() {
  const slices: ((deadline: IdleDeadline) => Promise<void>)[] = [];
  return {
    request: (slice: (deadline: IdleDeadline) => Promise<void>) => void slices.push(slice),
    get pending() {
      return slices.length;
    },
    /** Runs the next slice; `budget` blocks' worth of idle time (each check of the time uses one). */
    async run(budget = 100): Promise<void> {
      const slice = slices.shift();
      if (!slice) throw new Error('no idle slice was requested');
      let left = budget;
      await slice({ timeRemaining: () => --left });
    },
  };
}

function setup() {
  const shiki = fakeShiki();
  const idle = manualIdle();
  const highlighter = new DeferredHighlighter(shiki.plugin, idle.request);
  const results = new Map<string, HighlightResult>();
  const ask = (options: HighlightOptions) =>
    highlighter.highlight(options, (result) => results.set(options.code, result));
  return { shiki, idle, highlighter, results, ask };
}

describe('DeferredHighlighter', () => {
  it('leaves a finished block plain until an idle slice, then highlights it', async () => {
    const { shiki, idle, results, ask } = setup();
    expect(ask(block('const a = 1;'))).toBeNull();
    // Nothing was highlighted during the render: the page paints the plain text first.
    expect(shiki.asked).toEqual([]);
    expect(idle.pending).toBe(1);

    await idle.run();
    expect(shiki.asked).toEqual(['const a = 1;']);
    expect(results.get('const a = 1;')?.tokens[0]?.[0]?.color).toBe('#0550ae');
  });

  it('answers a block highlighted before at once from its cache (by language and code)', async () => {
    const { shiki, idle, highlighter, ask } = setup();
    ask(block('const a = 1;'));
    await idle.run();
    const again = highlighter.highlight(block('const a = 1;'));
    expect(again?.tokens[0]?.[0]?.content).toBe('const a = 1;');
    expect(shiki.asked).toHaveLength(1);
    expect(idle.pending).toBe(0);
    // The same code in another language is another block.
    expect(highlighter.highlight(block('const a = 1;', { language: 'js' }))).toBeNull();
  });

  it('highlights the blocks on screen first, then those on the page, then the rest', async () => {
    const { shiki, idle, highlighter, ask } = setup();
    const offScreen = highlighter.track('b();\n');
    const onScreen = highlighter.track('c();');
    for (const code of ['a();', 'b();', 'c();']) ask(block(code));
    onScreen.visible(true);

    await idle.run(0);
    expect(shiki.asked).toEqual(['c();']);
    await idle.run(0);
    expect(shiki.asked).toEqual(['c();', 'b();']);
    await idle.run(0);
    expect(shiki.asked).toEqual(['c();', 'b();', 'a();']);
    offScreen.release();
    onScreen.release();
  });

  it('uses the idle time it is given, and asks for another slice for what is left', async () => {
    const { shiki, idle, ask } = setup();
    for (let n = 0; n < 10; n++) ask(block(`f(${n});`));
    await idle.run(4);
    expect(shiki.asked).toHaveLength(4);
    expect(idle.pending).toBe(1);
    await idle.run();
    expect(shiki.asked).toHaveLength(10);
    expect(idle.pending).toBe(0);
  });

  it('highlights two blocks with the same code once, and answers both', async () => {
    const { shiki, idle, highlighter } = setup();
    const answered: string[] = [];
    highlighter.highlight(block('x;'), () => answered.push('first'));
    highlighter.highlight(block('x;'), () => answered.push('second'));
    await idle.run();
    expect(shiki.asked).toEqual(['x;']);
    expect(answered).toEqual(['first', 'second']);
  });

  it('highlights a block still streaming at once, and its final text too (no plain flash)', async () => {
    const { shiki, idle, ask } = setup();
    ask(block('const a', { isIncomplete: true }));
    expect(shiki.asked).toEqual(['const a']);
    ask(block('const a = 1;'));
    expect(shiki.asked).toEqual(['const a', 'const a = 1;']);
    expect(idle.pending).toBe(0);
  });

  it('does not hold a slice on a highlighter still loading its grammar', async () => {
    const { idle, highlighter } = setup();
    const loading: CodeHighlighterPlugin = { ...fakeShiki().plugin, highlight: () => null };
    const slow = new DeferredHighlighter(loading, idle.request);
    slow.highlight(block('a;'));
    await idle.run();
    // The slice ended although the grammar never came.
    expect(slow.waiting).toBe(0);
    expect(highlighter.waiting).toBe(0);
  });
});
