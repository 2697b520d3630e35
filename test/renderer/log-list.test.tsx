import { MantineProvider } from '@mantine/core';
import { fireEvent, render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../../src/domain/log-entry';
import { LogEntryRow } from '../../src/renderer/logs/LogEntryRow';
import { LogFilters } from '../../src/renderer/logs/LogFilters';
import { LogList } from '../../src/renderer/logs/LogList';
import { formatTime, noFilter } from '../../src/renderer/logs/log-filter';

const line = (n: number, content = `line ${n}`): LogEntry => ({
  ts: new Date(Date.UTC(2026, 11, 2, 8, 0, 0, n)).toISOString(),
  role: n % 2 === 0 ? 'user' : 'assistant',
  content,
  details: { request_id: `r${n}` },
});

const lines = (from: number, count: number): LogEntry[] =>
  Array.from({ length: count }, (_, index) => line(from + index));

describe('the log list', () => {
  it('puts only a preview of a long entry in the page until the row is opened', () => {
    // A logged answer is the whole answer: tens of KB of text the browser would lay out for two lines.
    const answer = `${'All work and no play. '.repeat(5000)}THE END`;
    const view = render(
      <MantineProvider>
        <LogEntryRow entry={line(1, answer)} />
      </MantineProvider>,
    );
    expect(view.container.textContent!.length).toBeLessThan(2000);
    expect(view.container.textContent).not.toContain('THE END');

    fireEvent.click(view.getByRole('button'));
    expect(view.container.textContent).toContain('THE END');
  });

  it('renders only the new rows when a batch of lines pushes the oldest out', () => {
    // The drawer keeps the newest 1,000; a hundred show the same.
    const full = lines(0, 100);
    const view = render(
      <MantineProvider>
        <LogList entries={full} />
      </MantineProvider>,
    );
    const list = view.getByRole('log');
    const changes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => changes.push(...records));
    observer.observe(list, { childList: true, subtree: true, characterData: true, attributes: true });

    // Five lines in one batch: the five oldest drop off.
    view.rerender(
      <MantineProvider>
        <LogList entries={[...full.slice(5), ...lines(100, 5)]} />
      </MantineProvider>,
    );
    changes.push(...observer.takeRecords());
    observer.disconnect();

    // Five rows out, five in: the 95 rows still shown keep their nodes and text.
    const touched = changes.filter((record) => record.target !== list);
    expect(touched).toEqual([]);
    expect(changes.length).toBeLessThanOrEqual(10);
    expect(list.textContent).toContain('line 104');
    expect(list.textContent).not.toContain('line 0');
  });
});

describe('the log filters', () => {
  it('mount no option list until one is opened (a mounted one is positioned on every render)', () => {
    const view = render(
      <MantineProvider>
        <LogFilters filter={noFilter} types={['chat', 'config_loaded']} onChange={() => {}} />
      </MantineProvider>,
    );
    expect(document.querySelectorAll('[role="listbox"]')).toHaveLength(0);

    fireEvent.click(view.getByLabelText('Event type'));
    expect(document.querySelectorAll('[role="listbox"]')).toHaveLength(1);
  });
});

describe('the time column', () => {
  it('formats every row with one formatter, not a new one per row', () => {
    const perCall = vi.spyOn(Date.prototype, 'toLocaleTimeString');
    const times = lines(0, 50).map((entry) => formatTime(entry.ts));
    expect(perCall).not.toHaveBeenCalled();
    perCall.mockRestore();
    expect(times[0]).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(new Set(times).size).toBe(1);
  });
});
