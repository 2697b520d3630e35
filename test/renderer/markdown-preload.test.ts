import { afterEach, describe, expect, it, vi } from 'vitest';

const warmUpHighlighter = vi.fn();
vi.mock('../../src/renderer/markdown/MarkdownView', () => ({ default: () => null, warmUpHighlighter }));

const { preloadMarkdownWhenIdle } = await import('../../src/renderer/markdown/Markdown');

afterEach(() => {
  vi.useRealTimers();
  warmUpHighlighter.mockClear();
});

describe("the Markdown renderer's warm-up", () => {
  it('waits while the user scrolls, then runs once the page has been left alone', async () => {
    vi.useFakeTimers();
    preloadMarkdownWhenIdle();
    // Scrolling the sidebar (an element: its scroll events do not bubble) for five seconds.
    const list = document.createElement('div');
    document.body.append(list);
    for (let elapsed = 0; elapsed < 5000; elapsed += 200) {
      list.dispatchEvent(new Event('scroll'));
      await vi.advanceTimersByTimeAsync(200);
    }
    await vi.dynamicImportSettled();
    expect(warmUpHighlighter).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(3000);
    await vi.dynamicImportSettled();
    expect(warmUpHighlighter).toHaveBeenCalledTimes(1);
    list.remove();
  });

  it('runs soon after start when nothing happens', async () => {
    vi.useFakeTimers();
    preloadMarkdownWhenIdle();
    await vi.advanceTimersByTimeAsync(3000);
    await vi.dynamicImportSettled();
    expect(warmUpHighlighter).toHaveBeenCalledTimes(1);
  });
});
