import { MantineProvider } from '@mantine/core';
import { render, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdleDeadline } from '../../src/renderer/markdown/deferred-highlighter';
import MarkdownView from '../../src/renderer/markdown/MarkdownView';

/** Idle slices the page asked for; the test decides when the page is idle. */
let slices: ((deadline: IdleDeadline) => void)[] = [];
/** Code blocks the stubbed IntersectionObserver watches, and its callback. */
let observed: Element[] = [];

beforeEach(() => {
  slices = [];
  observed = [];
  window.requestIdleCallback = ((slice: (deadline: IdleDeadline) => void) => {
    slices.push(slice);
    return slices.length;
  }) as typeof window.requestIdleCallback;
  globalThis.IntersectionObserver = class {
    observe(element: Element) {
      observed.push(element);
    }
    unobserve(element: Element) {
      observed = observed.filter((other) => other !== element);
    }
    disconnect() {}
  } as unknown as typeof IntersectionObserver;
});

afterEach(() => {
  // jsdom has neither: the next test must not see the stubs.
  delete (window as { requestIdleCallback?: unknown }).requestIdleCallback;
  delete (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
});

/** Runs the idle slices asked for so far, as a page with time to spare would. */
function idle(): void {
  const now = slices;
  slices = [];
  for (const slice of now) slice({ timeRemaining: () => 50 });
}

const answer = (code: string) => `Here it is:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nDone.\n`;
const view = (code: string) => (
  <MantineProvider>
    <MarkdownView text={answer(code)} streaming={false} />
  </MantineProvider>
);

/** The colours of the code's tokens: `inherit` while plain, theme colours once highlighted. */
const colours = (container: HTMLElement) =>
  [...container.querySelectorAll<HTMLElement>('[data-streamdown="code-block-body"] code span span')].map(
    (span) => span.style.getPropertyValue('--sdm-c'),
  );
const highlighted = (container: HTMLElement) => colours(container).some((colour) => colour.startsWith('#'));
const codeText = (container: HTMLElement) =>
  container.querySelector('[data-streamdown="code-block-body"] code')?.textContent;

describe('Code blocks of a stored answer', () => {
  it('render as plain text first and are highlighted when the page is idle', async () => {
    const code = 'const answer: number = 42;\nconsole.log(answer);';
    const { container } = render(view(code));
    await waitFor(() => expect(codeText(container)).toBe(code.replace('\n', '')));
    expect(colours(container).length).toBeGreaterThan(0);
    expect(highlighted(container)).toBe(false);
    // Still plain: nothing highlights before the page has been idle.
    await waitFor(() => expect(slices.length).toBeGreaterThan(0));
    expect(highlighted(container)).toBe(false);

    await waitFor(() => {
      idle();
      expect(highlighted(container)).toBe(true);
    });
    // The same text, only coloured.
    expect(codeText(container)).toBe(code.replace('\n', ''));
  });

  it('are highlighted at once the next time they are shown (cache)', async () => {
    const code = 'let cached = "yes";';
    const first = render(view(code));
    await waitFor(() => {
      idle();
      expect(highlighted(first.container)).toBe(true);
    });
    first.unmount();
    slices = [];

    const again = render(view(code));
    await waitFor(() => expect(highlighted(again.container)).toBe(true));
    expect(slices).toEqual([]);
  });

  it('are watched for being on screen while they are on the page', async () => {
    const { container, unmount } = render(view('let seen = true;'));
    await waitFor(() => expect(observed).toHaveLength(1));
    expect(observed[0]).toBe(container.querySelector('[data-streamdown="code-block"]'));
    unmount();
    expect(observed).toEqual([]);
  });
});
