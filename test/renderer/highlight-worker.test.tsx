import { MantineProvider } from '@mantine/core';
import { render, waitFor } from '@testing-library/react';
import type { HighlightOptions, HighlightResult } from 'streamdown';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdleDeadline } from '../../src/renderer/markdown/deferred-highlighter';
import MarkdownView from '../../src/renderer/markdown/MarkdownView';
import {
  type HighlightReply,
  type HighlightRequest,
  type HighlightWorker,
  workerHighlighter,
} from '../../src/renderer/markdown/worker-highlighter';
import { fakeShiki, themes } from './support/fake-shiki';

/** A worker the page starts: it records what it is sent; the test answers for it. */
class FakeWorker implements HighlightWorker {
  static started: FakeWorker[] = [];
  readonly requests: HighlightRequest[] = [];
  onmessage: ((event: MessageEvent<HighlightReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  constructor() {
    FakeWorker.started.push(this);
  }
  postMessage(message: HighlightRequest) {
    this.requests.push(message);
  }
  answer(request: HighlightRequest, colour: string) {
    const tokens = request.options.code
      .split('\n')
      .map((line) => [{ content: line, color: colour, offset: 0 }]);
    this.onmessage?.({ data: { id: request.id, result: { tokens } } } as MessageEvent<HighlightReply>);
  }
}

describe('The code highlighter of the page', () => {
  let slices: ((deadline: IdleDeadline) => void)[] = [];
  beforeEach(() => {
    slices = [];
    FakeWorker.started = [];
    window.requestIdleCallback = ((slice: (deadline: IdleDeadline) => void) => {
      slices.push(slice);
      return slices.length;
    }) as typeof window.requestIdleCallback;
    (globalThis as { Worker?: unknown }).Worker = FakeWorker;
  });
  afterEach(() => {
    delete (window as { requestIdleCallback?: unknown }).requestIdleCallback;
    delete (globalThis as { Worker?: unknown }).Worker;
  });

  it('tokenizes a finished code block in a worker, and draws the tokens it sends back', async () => {
    const code = 'const answer = 42;\nconsole.log(answer);';
    const { container } = render(
      <MantineProvider>
        <MarkdownView text={`Here:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nDone.\n`} streaming={false} />
      </MantineProvider>,
    );
    await waitFor(() => {
      for (const slice of slices.splice(0)) slice({ timeRemaining: () => 50 });
      expect(FakeWorker.started[0]?.requests.length).toBeGreaterThan(0);
    });
    expect(FakeWorker.started).toHaveLength(1);
    const worker = FakeWorker.started[0] as FakeWorker;
    const request = worker.requests.find((sent) => sent.options.code === code);
    expect(request).toBeDefined();
    worker.answer(request as HighlightRequest, '#0550ae');
    await waitFor(() => {
      const colours = [
        ...container.querySelectorAll<HTMLElement>('[data-streamdown="code-block-body"] code span span'),
      ].map((span) => span.style.getPropertyValue('--sdm-c'));
      expect(colours).toContain('#0550ae');
    });
  });
});

describe('workerHighlighter', () => {
  const block: HighlightOptions = { code: 'let x = 1;', language: 'ts', themes };

  it('starts its worker on the first block, once, and tokenizes nothing on the page', () => {
    const page = fakeShiki('#cf222e');
    const workers: FakeWorker[] = [];
    const plugin = workerHighlighter({
      start: () => {
        const worker = new FakeWorker();
        workers.push(worker);
        return worker;
      },
      fallback: page.plugin,
    });
    expect(workers).toHaveLength(0);
    const results: HighlightResult[] = [];
    expect(plugin.highlight(block, (result) => results.push(result))).toBeNull();
    expect(plugin.highlight({ ...block, code: 'let y = 2;' }, (result) => results.push(result))).toBeNull();
    expect(workers).toHaveLength(1);
    expect(workers[0]?.requests.map((request) => request.options.code)).toEqual(['let x = 1;', 'let y = 2;']);
    workers[0]?.answer(workers[0].requests[1] as HighlightRequest, '#111111');
    expect(results).toHaveLength(1);
    expect(results[0]?.tokens[0]?.[0]?.color).toBe('#111111');
    expect(page.asked).toEqual([]);
  });

  it('highlights on the page when the worker cannot start', async () => {
    const page = fakeShiki('#cf222e');
    const plugin = workerHighlighter({
      start: () => {
        throw new Error('workers are not allowed here');
      },
      fallback: page.plugin,
    });
    const results: HighlightResult[] = [];
    plugin.highlight(block, (result) => results.push(result));
    await waitFor(() => expect(results).toHaveLength(1));
    expect(page.asked).toEqual(['let x = 1;']);
  });

  it('highlights the blocks waiting, and the next ones, on the page when the worker fails', async () => {
    const page = fakeShiki('#cf222e');
    const worker = new FakeWorker();
    const plugin = workerHighlighter({ start: () => worker, fallback: page.plugin });
    const results: HighlightResult[] = [];
    plugin.highlight(block, (result) => results.push(result));
    worker.onerror?.({ message: 'it did not load' } as ErrorEvent);
    plugin.highlight({ ...block, code: 'let later = 3;' }, (result) => results.push(result));
    await waitFor(() => expect(results).toHaveLength(2));
    expect(page.asked).toEqual(['let x = 1;', 'let later = 3;']);
    expect(worker.requests).toHaveLength(1);
  });
});
