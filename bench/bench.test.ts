import { describe, expect, it } from 'vitest';
import { answerText, answerTokens, CODE_LANGUAGES, promptFor, specOf } from './lib/answers.js';
import { NdjsonParser } from './lib/ndjson.js';
import { waitForIdle } from './lib/proc-cpu.js';
import { type BenchRow, describeGoal, errorRow, meets, statusOf } from './lib/rows.js';
import { seededRandom, shuffled } from './lib/seeded-random.js';
import { SseParser } from './lib/sse.js';
import { median, percentile, summarize } from './lib/stats.js';
import { processDelta } from './lib/tab-metrics.js';
import { formatTable } from './lib/table.js';
import { type TraceEvent, traceBreakdown } from './lib/trace.js';
import { initialScripts } from './sections/bundle.js';
import { matchDelays } from './sections/concurrency.js';

describe('SSE parser', () => {
  it('dispatches data events, named events, multi-line data and skips comments', () => {
    const parser = new SseParser();
    const events = parser.push(
      'data: {"token":"Hel"}\n\n: ping\n\ndata: {"token":"lo"}\n\nevent: done\ndata: a\ndata: b\n\n',
    );
    expect(events).toEqual([
      { event: 'message', data: '{"token":"Hel"}' },
      { event: 'message', data: '{"token":"lo"}' },
      { event: 'done', data: 'a\nb' },
    ]);
  });

  it('gives the same events whatever the chunk boundaries, CRLF and CR included', () => {
    const text = '\uFEFFdata:x\r\n\r\nid: 7\rdata: y\r\revent: e\ndata:  z\n\ndata\n\n';
    const whole = new SseParser().push(text);
    for (let size = 1; size <= 5; size++) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < text.length; i += size) events.push(...parser.push(text.slice(i, i + size)));
      expect(events).toEqual(whole);
    }
    expect(whole).toEqual([
      { event: 'message', data: 'x' },
      { event: 'message', data: 'y', id: '7' },
      { event: 'e', data: ' z', id: '7' },
      { event: 'message', data: '', id: '7' },
    ]);
  });

  it('holds back a frame until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"token":"a"}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: '{"token":"a"}' }]);
  });
});

describe('NDJSON parser', () => {
  it('parses complete lines across chunks and the last line without a newline', () => {
    const parser = new NdjsonParser();
    expect(parser.push('{"a":1}\n{"b":')).toEqual([{ a: 1 }]);
    expect(parser.push('2}\n\n{"c"')).toEqual([{ b: 2 }]);
    expect(parser.push(':3}')).toEqual([]);
    expect(parser.end()).toEqual([{ c: 3 }]);
  });

  it('throws on a line that is not JSON', () => {
    expect(() => new NdjsonParser().push('nope\n')).toThrow();
  });
});

describe('shuffled order', () => {
  it('is a permutation, the same for the same seed, and gives each item varied predecessors', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
    const orders = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 15 }, () => shuffled(items, random));
    };
    const first = orders(11);
    expect(orders(11)).toEqual(first);
    for (const order of first) expect([...order].sort()).toEqual(items);
    // Relay rows run their paths back to back, rep after rep: what ran just before each one varies.
    const before = new Map<string, Set<string>>();
    const sequence = first.flat();
    for (let index = 1; index < sequence.length; index++) {
      const predecessors = before.get(sequence[index]!) ?? new Set<string>();
      predecessors.add(sequence[index - 1]!);
      before.set(sequence[index]!, predecessors);
    }
    for (const item of items) expect(before.get(item)?.size ?? 0).toBeGreaterThanOrEqual(5);
  });
});

describe('stats', () => {
  it('uses nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(summarize([1, 2, 3])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3 });
  });
});

describe('waiting for an idle server', () => {
  /** A process whose CPU time reads as `readings`, one per poll, the last one from then on. */
  const process = (readings: number[]) => {
    let index = 0;
    return {
      read: () => ({ processMs: readings[Math.min(index, readings.length - 1)]!, mainThreadMs: 0 }),
      sleep: async () => {
        index++;
      },
    };
  };

  it('waits while the CPU time moves, then for the quiet time', async () => {
    const waited = await waitForIdle(1, { quietMs: 100, pollMs: 20, ...process([0, 10, 20, 30, 30]) });
    // Three polls saw it move (10, 20, 30), then five saw it unchanged: eight polls of 20 ms.
    expect(waited).toBe(160);
  });

  it('gives up after maxMs, and does not wait without /proc', async () => {
    // A process whose CPU time moves at every reading.
    const busy = process(Array.from({ length: 100 }, (_, index) => index * 10));
    expect(await waitForIdle(1, { pollMs: 20, maxMs: 200, ...busy })).toBe(200);
    expect(await waitForIdle(1, { read: () => undefined })).toBe(0);
  });
});

describe('goals', () => {
  it('passes only when the figure is on the right side of the limit', () => {
    expect(meets(0.6, { op: '>=', limit: 0.6 })).toBe(true);
    expect(meets(0.59, { op: '>=', limit: 0.6 })).toBe(false);
    expect(meets(10, { op: '<=', limit: 10 })).toBe(true);
    expect(meets(10.01, { op: '<=', limit: 10 })).toBe(false);
    expect(meets(Number.NaN, { op: '<=', limit: 10 })).toBe(false);
    expect(statusOf([true, true])).toBe('PASS');
    expect(statusOf([true, false])).toBe('FAIL');
    expect(describeGoal({ op: '<=', limit: 450, unit: 'KB' }, 150)).toBe('≤ 450 KB (aim 150 KB)');
  });
});

describe('table', () => {
  const row: BenchRow = {
    id: '2',
    name: 'Added TTFT',
    figure: 'p50 1 ms',
    reference: 'p50 0.5 ms',
    ratio: '+0.5 | +2',
    goal: '≤ 2 ms',
    status: 'PASS',
    reduced: '60 chats',
    data: {},
  };

  it('prints aligned Markdown with escaped pipes and reduced rows marked', () => {
    const table = formatTable([row, errorRow('7', 'UI', new Error('no browser'))]).split('\n');
    expect(table[0]).toMatch(/^\| # +\| measure +\| figure/);
    expect(table[1]).toMatch(/^\| -{3,} \| -+ \|/);
    expect(table[2]).toContain('+0.5 \\| +2');
    expect(table[2]).toContain('PASS (reduced: 60 chats)');
    expect(table[3]).toContain('ERROR');
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
  });
});

describe('bundle', () => {
  it('counts the entry script and modulepreloads, not stylesheets or lazy chunks', () => {
    const html = `<html><head>
      <script type="module" crossorigin src="./assets/index-abc.js"></script>
      <link rel="modulepreload" crossorigin href="./assets/react-def.js">
      <link rel="stylesheet" href="./assets/index.css">
    </head><body><div id="root"></div></body></html>`;
    expect(initialScripts(html)).toEqual(['./assets/index-abc.js', './assets/react-def.js']);
  });
});

describe('concurrency delays', () => {
  it('gives each emitted token the delay of the received piece that completes it', () => {
    const emits: [string, number][] = [
      [' a', 100],
      [' b', 110],
      [' c', 120],
    ];
    // The relay joined b and c into one event.
    expect(
      matchDelays(
        [
          [' a', 101],
          [' b c', 125],
        ],
        emits,
      ),
    ).toEqual([1, 15, 5]);
  });
});

describe('bench answers', () => {
  it('round-trips a spec through the prompt and rebuilds the same answer', () => {
    const spec = { kind: 'tagged', tokens: 3, id: 'x' } as const;
    expect(specOf(promptFor(spec))).toMatchObject({ kind: 'tagged', tokens: 3, id: 'x', rate: 0 });
    expect(answerText(spec)).toBe(' x.0 x.1 x.2');
    expect(specOf('hello')).toBeUndefined();
    expect(answerTokens({ kind: 'prose', tokens: 500 })).toHaveLength(500);
  });

  it('builds the UI document: about the asked tokens, ten code blocks, headings, lists and a table', () => {
    const text = answerText({ kind: 'markdown', tokens: 20_000 });
    const tokens = answerTokens({ kind: 'markdown', tokens: 20_000 }).length;
    expect(Math.abs(tokens - 20_000)).toBeLessThan(1000);
    expect(text.match(/^```\w+$/gm)).toHaveLength(10);
    expect(new Set(text.match(/^```(\w+)$/gm))).toHaveProperty('size', CODE_LANGUAGES.length);
    expect(text).toMatch(/^## /m);
    expect(text).toMatch(/^- /m);
    expect(text).toMatch(/^\|---\|/m);
  });
});

describe('row 7d measures', () => {
  it('sums the CPU of the processes that ran during the streams, by type', () => {
    const before = new Map([
      [1, { type: 'renderer', cpuTime: 1 }],
      [2, { type: 'renderer', cpuTime: 2 }],
      [3, { type: 'GPU', cpuTime: 5 }],
    ]);
    const after = new Map([
      [1, { type: 'renderer', cpuTime: 1.5 }],
      [2, { type: 'renderer', cpuTime: 2 }],
      [3, { type: 'GPU', cpuTime: 5.25 }],
      [4, { type: 'renderer', cpuTime: 0.1 }],
    ]);
    expect(Object.fromEntries(processDelta(before, after))).toEqual({
      renderer: { count: 2, cpuMs: 600 },
      GPU: { count: 1, cpuMs: 250 },
    });
  });

  it("breaks down the main thread of the tab whose process is given, between that tab's marks", () => {
    const mark = (name: string, pid: number, ts: number): TraceEvent => ({
      name,
      cat: 'blink.user_timing',
      ph: 'R',
      ts,
      pid,
      tid: 1,
    });
    const task = (pid: number, ts: number, dur: number): TraceEvent => ({
      name: 'RunTask',
      ph: 'X',
      ts,
      dur,
      pid,
      tid: 1,
    });
    const events = [
      mark('start', 10, 0),
      mark('end', 10, 10_000),
      task(10, 1000, 3000),
      mark('start', 20, 0),
      mark('end', 20, 10_000),
      task(20, 1000, 7000),
    ];
    expect(traceBreakdown(events, 'start', 'end', 20).byName).toEqual([['RunTask', 7]]);
    expect(traceBreakdown(events, 'start', 'end', 10).byName).toEqual([['RunTask', 3]]);
  });

  it('adds up the thread time of top-level tasks by what posted them (frames, input, timers)', () => {
    const mark = (name: string, ts: number): TraceEvent => ({
      name,
      cat: 'blink.user_timing',
      ph: 'R',
      ts,
      pid: 1,
      tid: 1,
    });
    const task = (ts: number, tdur: number, source: string): TraceEvent => ({
      name: 'ThreadControllerImpl::RunTask',
      ph: 'X',
      ts,
      dur: tdur + 100,
      tdur,
      pid: 1,
      tid: 1,
      args: { src_func: source },
    });
    const events = [
      mark('start', 0),
      task(1000, 4000, 'ScheduledActionSendBeginMainFrame'),
      task(6000, 1000, 'DOMTimer'),
      task(8000, 2000, 'ScheduledActionSendBeginMainFrame'),
      // Nested in the frame before: its time is the frame's.
      task(8500, 500, 'DOMTimer'),
      mark('end', 20_000),
    ];
    expect(traceBreakdown(events, 'start', 'end').bySource).toEqual([
      ['ScheduledActionSendBeginMainFrame', 6, 2],
      ['DOMTimer', 1, 1],
    ]);
  });
});
