import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../lib/browser.js';
import { tokenOf } from '../lib/clients.js';
import type { BenchContext, BenchSection } from '../lib/context.js';
import { type CpuProfile, formatProfile, summarizeProfile } from '../lib/cpuprofile.js';
import { generateHistory } from '../lib/history-data.js';
import { LightChatServer } from '../lib/lightchat.js';
import { type BenchRow, describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { median, percentile } from '../lib/stats.js';
import { mainThreadTasks, parseTrace, type TraceBreakdown, traceBreakdown } from '../lib/trace.js';
import { type OpenResult, type ScrollResult, WORKSPACE_PROBE } from '../lib/workspace-probe.js';
import { measureInitialJs } from './bundle.js';
import { importFile } from './history.js';

// Issue 13 (the conversation workspace) set these.
const SIDEBAR_PAINT_GOAL: Goal = { op: '<=', limit: 300, unit: 'ms' };
/** Frames p95 under 50 ms (strictly). */
const SCROLL_FRAME_LIMIT_MS = 50;
const OPEN_GOAL: Goal = { op: '<=', limit: 300, unit: 'ms' };
const INITIAL_JS_GOAL: Goal = { op: '<=', limit: 150, unit: 'KB' };
const SCROLL_PX_PER_S = 3000;
const LONGEST = 2000;
/** Guards against a hang: at 3,000 px/s, 2,000 rows of 36 px take 24 s. */
const SCROLL_LIMIT_MS = 120_000;
const SHARED = 'indicative only: measured in Chromium on a machine shared with other work';

const IDS = [
  { id: '10j', name: 'Workspace: sidebar first paint after load' },
  { id: '10k', name: 'Workspace: sidebar scroll at 3,000 px/s' },
  { id: '10l', name: 'Workspace: open a 2,000-message conversation to first paint' },
  { id: '10m', name: 'Workspace: initial JS of the page (gzip)' },
];

async function rest<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokenOf(url) ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/**
 * A fresh tab (its own session storage: it opens on a new chat) with the probe, loaded. With
 * `profile`, the page's CPU profile from navigation to the sidebar's first paint is summarised there.
 */
async function load(
  browser: Browser,
  url: string,
  profile?: { bench: BenchContext; name: string },
): Promise<{ page: Page; context: BrowserContext; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript({ content: WORKSPACE_PROBE });
  const page = await context.newPage();
  const cdp = profile ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await page.goto(`${url}/#token=${tokenOf(url) ?? ''}`);
  // A function, not a string: the page's CSP refuses eval.
  await page.waitForFunction(
    () =>
      (window as unknown as { __workspace: { sidebarPaint: number | null } }).__workspace.sidebarPaint !==
      null,
    undefined,
    { timeout: 60_000 },
  );
  if (cdp && profile) {
    const { profile: recorded } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    const path = join(profile.bench.resultsDir, `${profile.name}.cpuprofile`);
    await writeFile(path, JSON.stringify(recorded));
    profile.bench.log(
      `workspace: CPU profile of the page until the sidebar painted in ${path}\n${formatProfile(summarizeProfile(recorded, 25), 'LightChat page, load')}`,
    );
  }
  return { page, context, close: () => context.close() };
}

/**
 * Rows 10j–10m (issue 13): a history of 10,000 conversations (one of them 2,000 messages long)
 * imported into a real `serve`, then in Chromium: the sidebar's first paint after a load, scrolling
 * its list through 2,000 items at 3,000 px/s, opening the long conversation to the paint of its last
 * message (split into the server's answer and the page's work), and the initial JS size.
 */
export const workspaceSection: BenchSection = {
  key: 'workspace',
  ids: IDS,
  async run(context) {
    const conversations = context.quick ? 1000 : 10_000;
    const scrollItems = context.quick ? 500 : 2000;
    const loads = context.quick ? 3 : 7;
    const reduced = context.quick
      ? `${conversations} conversations, ${scrollItems} items scrolled`
      : undefined;
    const dir = await mkdtemp(join(tmpdir(), 'lightchat-bench-workspace-'));
    try {
      const history = await generateHistory(join(dir, 'export.json'), {
        conversations,
        messages: LONGEST + (conversations - 1) * 2,
        longest: LONGEST,
      });
      const dataDir = join(dir, 'data');
      await mkdir(dataDir);
      const server = await LightChatServer.start(context.fakes, {
        logging: false,
        args: ['--data-dir', dataDir],
      });
      const browser = await launchChromium();
      try {
        context.log(`workspace: importing ${conversations} conversations`);
        await importFile(server.url, history);
        // Pinned, so that its item is at the top of the list to click.
        const long = await rest<{ title: string }>(
          server.url,
          'PATCH',
          `/conversations/${history.longestId}`,
          { pinned: true },
        );
        const branch = await rest<{ messages: { id: string }[] }>(
          server.url,
          'GET',
          `/conversations/${history.longestId}`,
        );
        const lastMessageId = branch.messages.at(-1)?.id ?? '';
        return [
          await sidebarPaintRow(context, browser, server.url, loads, conversations, reduced),
          await scrollRow(context, browser, server.url, scrollItems, reduced),
          await openRow(context, browser, server, long.title, lastMessageId, loads, reduced),
          await initialJsRow(),
        ];
      } finally {
        await browser.close();
        await server.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

async function sidebarPaintRow(
  context: BenchContext,
  browser: Browser,
  url: string,
  loads: number,
  conversations: number,
  reduced: string | undefined,
): Promise<BenchRow> {
  const paints: number[] = [];
  const contentful: number[] = [];
  const listAnswered: number[] = [];
  // The first load warms the browser's cache and the server's; it is not counted.
  for (let run = 0; run <= loads; run++) {
    // With --profile, the last load is profiled (where the time before the first paint goes).
    const profile = context.profile && run === loads ? { bench: context, name: 'workspace-load' } : undefined;
    const { page, close } = await load(browser, url, profile);
    // What the page fetched before the sidebar painted (ms from navigation): its scripts and the API
    // requests, by the procedures each one carried; it tells a waterfall from a slow answer.
    const times = (await page.evaluate(`({
      paint: window.__workspace.sidebarPaint,
      shell: window.__workspace.shellCommit,
      longTasks: window.__workspace.longTasks.filter(([start]) => start < window.__workspace.sidebarPaint),
      navigation: (() => {
        const n = performance.getEntriesByType('navigation')[0];
        return n ? { response: n.responseEnd, interactive: n.domInteractive, loaded: n.domContentLoadedEventEnd } : null;
      })(),
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      fetched: performance.getEntriesByType('resource')
        .filter((entry) => entry.startTime < window.__workspace.sidebarPaint)
        .map((entry) => ({
          what: new URL(entry.name).pathname.replace(/^\\/(trpc|assets)\\//, ''),
          start: entry.startTime,
          end: entry.responseEnd,
        })),
    })`)) as {
      paint: number;
      shell: number | null;
      longTasks: [start: number, duration: number][];
      navigation: { response: number; interactive: number; loaded: number } | null;
      fcp: number | null;
      fetched: { what: string; start: number; end: number }[];
    };
    await close();
    if (run === 0) continue;
    paints.push(times.paint);
    if (times.fcp !== null) contentful.push(times.fcp);
    const list = times.fetched.find((entry) => entry.what.includes('conversations.list'));
    if (list) listAnswered.push(list.end);
    if (run === loads) {
      const lines = times.fetched.map(
        (entry) => `  ${fmt(entry.start).padStart(7)} → ${fmt(entry.end).padStart(7)} ms  ${entry.what}`,
      );
      const nav = times.navigation;
      const milestones = [
        nav
          ? `HTML ${fmt(nav.response)}, DOM interactive ${fmt(nav.interactive)}, DOMContentLoaded ${fmt(nav.loaded)}`
          : 'no navigation entry',
        `shell committed ${times.shell === null ? '—' : fmt(times.shell)}, first contentful paint ${times.fcp === null ? '—' : fmt(times.fcp)}`,
        `long tasks ${times.longTasks.map(([start, duration]) => `${fmt(start)}+${fmt(duration)}`).join(', ') || 'none'}`,
      ];
      context.log(
        `workspace: the last load, until the sidebar painted at ${fmt(times.paint)} ms (ms from navigation):\n  ${milestones.join('\n  ')}\n${lines.join('\n')}`,
      );
    }
  }
  context.log(`workspace: sidebar first paint ${paints.map((p) => fmt(p)).join(', ')} ms`);
  const figure = median(paints);
  return {
    id: '10j',
    name: IDS[0]!.name,
    figure: `median ${fmt(figure)} ms from navigation (max ${fmt(Math.max(...paints))})`,
    reference: `page's first contentful paint median ${fmt(median(contentful))} ms; first page of the list answered at median ${listAnswered.length > 0 ? fmt(median(listAnswered)) : '—'} ms`,
    ratio: '—',
    goal: describeGoal(SIDEBAR_PAINT_GOAL),
    status: statusOf([meets(figure, SIDEBAR_PAINT_GOAL)]),
    reduced,
    note: `${loads} loads (after one warm-up) with ${conversations.toLocaleString('en-US')} conversations stored; ${SHARED}`,
    data: { paints, contentful, listAnswered },
  };
}

async function scrollRow(
  context: BenchContext,
  browser: Browser,
  url: string,
  items: number,
  reduced: string | undefined,
): Promise<BenchRow> {
  const { page, context: tab, close } = await load(browser, url);
  try {
    // With --profile, the scroll is profiled (what each frame costs).
    const cdp = context.profile ? await tab.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const result = (await page.evaluate(
      `window.__workspace.scroll(${SCROLL_PX_PER_S}, ${items}, ${SCROLL_LIMIT_MS})`,
    )) as ScrollResult;
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      const path = join(context.resultsDir, 'workspace-scroll.cpuprofile');
      await writeFile(path, JSON.stringify(profile));
      context.log(
        `workspace: CPU profile of the sidebar scroll in ${path}\n${formatProfile(summarizeProfile(profile, 25), 'LightChat page, scroll')}`,
      );
    }
    const p95 = percentile(result.frames, 95);
    context.log(
      `workspace: scrolled to row ${result.reached} in ${fmt(result.ms)} ms, frame p95 ${fmt(p95)} ms`,
    );
    return {
      id: '10k',
      name: IDS[1]!.name,
      figure: `frame p95 ${fmt(p95)} ms (p50 ${fmt(percentile(result.frames, 50))}, max ${fmt(Math.max(...result.frames))})`,
      reference: `${result.frames.length} frames over ${fmt(result.ms / 1000)} s to row ${result.reached}`,
      ratio: '—',
      goal: `frame p95 < ${SCROLL_FRAME_LIMIT_MS} ms, all ${items} items reached`,
      status: statusOf([p95 < SCROLL_FRAME_LIMIT_MS, result.reached >= items]),
      reduced,
      note: `pages of 50 load as it scrolls; ${result.behind} frames waited for a page; ${SHARED}`,
      data: { ...result, frames: undefined, p95 },
    };
  } finally {
    await close();
  }
}

async function openRow(
  context: BenchContext,
  browser: Browser,
  server: LightChatServer,
  title: string,
  lastMessageId: string,
  runs: number,
  reduced: string | undefined,
): Promise<BenchRow> {
  const totals: number[] = [];
  /** Click → the first paint of the last message, plain text when the renderer was still loading. */
  const shown: number[] = [];
  const answers: number[] = [];
  const pageWork: number[] = [];
  /** The page's main-thread CPU time from the click to the paint (trace): it holds on a loaded machine. */
  const pageCpu: number[] = [];
  let articles = 0;
  let chars = 0;
  for (let run = 0; run <= runs; run++) {
    const { page, context: tab, close } = await load(browser, server.url);
    // With --profile, the last open is profiled (where the page's share of the time goes).
    const cdp = context.profile && run === runs ? await tab.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    // The timeline category says what each task did (layouts, style recalcs, script, paints).
    await browser.startTracing(page, {
      categories: ['-*', 'toplevel', 'blink.user_timing', '__metadata', 'devtools.timeline'],
    });
    const result = (await page.evaluate(
      `window.__workspace.open(${JSON.stringify(title)}, ${JSON.stringify(lastMessageId)})`,
    )) as OpenResult;
    const trace = await browser.stopTracing();
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      const path = join(context.resultsDir, 'workspace-open.cpuprofile');
      await writeFile(path, JSON.stringify(profile));
      context.log(
        `workspace: CPU profile of opening the long conversation in ${path}\n${formatProfile(summarizeProfile(profile, 25), 'LightChat page, open')}`,
      );
    }
    await close();
    if ('error' in result) throw new Error(result.error);
    if (run === 0) continue;
    const events = parseTrace(trace.toString('utf8'));
    pageCpu.push(
      mainThreadTasks(events, 'bench-open-click', 'bench-open-painted', { microtasks: true }).cpuMs,
    );
    if (run === runs) {
      if (context.profile) await writeFile(join(context.resultsDir, 'workspace-open.trace.json'), trace);
      logOpenBreakdown(context, traceBreakdown(events, 'bench-open-click', 'bench-open-painted'));
    }
    totals.push(result.painted - result.clicked);
    shown.push(result.shown - result.clicked);
    if (result.answerAt !== null) {
      answers.push(result.answerAt - result.clicked);
      pageWork.push(result.painted - result.answerAt);
    }
    articles = result.articles;
    chars = result.answerChars;
  }
  const figure = median(totals);
  context.log(
    `workspace: open to the last message painted ${totals.map((t) => fmt(t)).join(', ')} ms (first shown ${shown.map((t) => fmt(t)).join(', ')} ms); page thread CPU ${pageCpu.map((t) => fmt(t)).join(', ')} ms`,
  );
  return {
    id: '10l',
    name: IDS[2]!.name,
    figure: `median ${fmt(figure)} ms click → last message painted as Markdown`,
    reference: `of which the answer (${fmt(chars / 1024)} KB over HTTP) ${fmt(median(answers))} ms, the page ${fmt(median(pageWork))} ms (its main thread's CPU time click → paint: median ${fmt(median(pageCpu))} ms); first shown (plain text while the renderer loads) median ${fmt(median(shown))} ms`,
    ratio: '—',
    goal: describeGoal(OPEN_GOAL),
    status: statusOf([meets(figure, OPEN_GOAL)]),
    reduced,
    note: `${runs} opens (after one warm-up), each in a fresh tab; ${articles} of ${LONGEST} messages rendered at first; ${SHARED}`,
    data: { totals, shown, answers, pageWork, pageCpu, articles, chars },
  };
}

/** Where the page's main thread went from the click to the paint, by trace event, with counts. */
function logOpenBreakdown(context: BenchContext, breakdown: TraceBreakdown): void {
  const lines = breakdown.byName
    .slice(0, 15)
    .map(
      ([name, ms]) =>
        `    ${ms.toFixed(0).padStart(7)} ms  ${String(breakdown.counts.get(name) ?? 0).padStart(6)}×  ${name}`,
    );
  context.log(`workspace: the last open, main-thread self time by trace event\n${lines.join('\n')}`);
}

async function initialJsRow(): Promise<BenchRow> {
  const { kb, rawBytes, files } = await measureInitialJs();
  return {
    id: '10m',
    name: IDS[3]!.name,
    figure: `${fmt(kb)} KB gzip`,
    reference: `${fmt(rawBytes / 1024)} KB raw, ${files.length} file(s)`,
    ratio: `${fmt(kb / INITIAL_JS_GOAL.limit)}× the goal`,
    goal: describeGoal(INITIAL_JS_GOAL),
    status: statusOf([meets(kb, INITIAL_JS_GOAL)]),
    note: files.map((file) => `${file.path} ${fmt(file.gzip / 1024)} KB`).join(', '),
    data: { files },
  };
}
