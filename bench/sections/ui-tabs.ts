import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { type AnswerSpec, promptFor } from '../lib/answers.js';
import { launchChromium } from '../lib/browser.js';
import { tokenOf } from '../lib/clients.js';
import type { BenchContext, BenchSection } from '../lib/context.js';
import { type CpuProfile, formatProfile, summarizeProfile } from '../lib/cpuprofile.js';
import { LightChatServer } from '../lib/lightchat.js';
import { PAGE_PROBE, type ProbeData, READ_PROBE } from '../lib/page-probe.js';
import { type BenchRow, describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { max, percentile } from '../lib/stats.js';
import {
  describeProcesses,
  describeThreads,
  type ProcessUse,
  processCpu,
  processDelta,
  subtract,
  type ThreadMetrics,
  threadMetrics,
} from '../lib/tab-metrics.js';
import { parseTrace, traceBreakdown } from '../lib/trace.js';
import { logBreakdown } from './ui.js';

const TABS = 4;
const RATE = 100;
const INPUT_P95_GOAL: Goal = { op: '<=', limit: 50, unit: 'ms' };
/** Guards against a hang: the streams take `tokens / RATE` seconds, this is far beyond it. */
const FINISH_LIMIT_MS = 240_000;

/**
 * Row 7d: four tabs of one browser stream an answer at once (100 tokens/s each) with the log drawer
 * open in one; every tab must get its whole answer (no request waits for a connection) and stay
 * responsive to typing.
 *
 * What it measures: each tab has a renderer process (a main thread) of its own, as a user's tabs do,
 * and headless Chromium shows every tab: all four render every frame, like four windows side by side.
 * That is harder than four tabs in one window, where the three behind get no frames and render only
 * when shown. So the tabs compete for the machine's cores, not for one thread: on 2 cores the row
 * mostly measures the wait for a core (the log says each tab's main-thread time and every process's
 * CPU time). `--tabs=N`, `--no-drawer` and `--tab-contexts` change the scenario to tell the parts
 * apart (the row is then marked reduced); `--profile` saves each tab's CPU profile and a trace.
 */
export const uiTabsSection: BenchSection = {
  key: 'tabs',
  ids: [{ id: '7d', name: 'UI four tabs streaming at once + log drawer' }],
  async run(context) {
    const tokens = context.quick ? 1_000 : 3_000;
    const scenario: Scenario = {
      tabs: context.tabs.count ?? TABS,
      drawer: context.tabs.drawer ?? true,
      contextPerTab: context.tabs.contextPerTab ?? false,
    };
    const spec: AnswerSpec = { kind: 'markdown', tokens, rate: RATE };
    const server = await LightChatServer.start(context.fakes, { logging: true });
    const browser = await launchChromium();
    try {
      // One context, as a user's tabs in one browser profile: they share its six HTTP/1.1 connections
      // to the server. Chromium still gives each tab (a browsing instance of its own) a renderer
      // process of its own, so the tabs' main threads are separate and compete only for the cores.
      const shared = scenario.contextPerTab ? undefined : await newContext(browser);
      const pages: Page[] = [];
      for (let i = 0; i < scenario.tabs; i += 1) {
        pages.push(await openTab(shared ?? (await newContext(browser)), server.url));
      }
      const browserCdp = await browser.newBrowserCDPSession();
      const tabCdps = await Promise.all(pages.map((page) => page.context().newCDPSession(page)));
      await Promise.all(tabCdps.map((cdp) => cdp.send('Performance.enable')));
      context.log(
        `tabs: ${describeScenario(scenario)} warmed up; streaming ${tokens} tokens at ${RATE} tok/s in each`,
      );

      if (context.profile) {
        await Promise.all(tabCdps.map((cdp) => startProfile(cdp)));
        await browser.startTracing(pages[0], { categories: TRACE_CATEGORIES });
        // Each tab marks itself, so that the trace's processes can be told apart.
        await Promise.all(
          pages.map((page, index) => page.evaluate(`performance.mark('bench-tab-${index + 1}')`)),
        );
      }
      const processesBefore = await processCpu(browserCdp);
      const metricsBefore = await Promise.all(tabCdps.map((cdp) => threadMetrics(cdp)));
      await Promise.all(
        pages.map(async (page) => {
          await page.evaluate('window.__bench.arm()');
          await send(page, promptFor(spec));
        }),
      );
      if (scenario.drawer) {
        await pages[0]!.getByRole('button', { name: 'Logs', exact: true }).click();
        await pages[0]!.getByRole('dialog', { name: 'Logs' }).waitFor();
      }

      const finished = await typeInTurnUntilDone(pages);
      // Where the keys went: a modal drawer keeps the focus inside it.
      const typedInto = await Promise.all(pages.map((page) => page.evaluate(FOCUSED) as Promise<string>));
      context.log(`tabs: keys typed into ${typedInto.join(' / ')}`);
      // What the drawer gives the browser to lay out: a count, unlike its time, a loaded machine keeps.
      if (scenario.drawer) context.log(`tabs: the log drawer holds ${await pages[0]!.evaluate(DRAWER_TEXT)}`);
      const metricsAfter = await Promise.all(tabCdps.map((cdp) => threadMetrics(cdp)));
      const processesAfter = await processCpu(browserCdp);
      if (context.profile) {
        await saveProfiles(context, tabCdps, scenario);
        await saveTrace(context, await browser.stopTracing(), scenario);
      }
      const probes = await Promise.all(pages.map((page) => page.evaluate(READ_PROBE) as Promise<ProbeData>));
      const threads = metricsAfter.map((after, index) => subtract(after, metricsBefore[index]!));
      const processes = processDelta(processesBefore, processesAfter);
      context.log(`tabs: ${describeThreads(threads)}; ${describeProcesses(processes)}`);
      await Promise.all(pages.map((page) => page.context().close()));
      const reduced = [
        context.quick ? `${tokens} tokens` : '',
        isGoalScenario(scenario) ? '' : describeScenario(scenario),
      ]
        .filter(Boolean)
        .join(', ');
      return [rowOf(reduced || undefined, spec, scenario, finished, probes, threads, processes)];
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};

/** Row 7d's scenario: the goal's is four tabs of one context, the log drawer open in the first. */
interface Scenario {
  tabs: number;
  drawer: boolean;
  contextPerTab: boolean;
}

const isGoalScenario = (scenario: Scenario): boolean =>
  scenario.tabs === TABS && scenario.drawer && !scenario.contextPerTab;

function describeScenario(scenario: Scenario): string {
  return [
    `${scenario.tabs} tab${scenario.tabs === 1 ? '' : 's'}`,
    scenario.drawer ? 'log drawer open in the first' : 'no log drawer',
    scenario.contextPerTab ? 'a browser context per tab' : 'one browser context',
  ].join(', ');
}

async function newContext(browser: Browser): Promise<BrowserContext> {
  const browserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await browserContext.addInitScript({ content: PAGE_PROBE });
  return browserContext;
}

const FOCUSED = `(() => {
  const el = document.activeElement;
  return el ? (el.getAttribute('aria-label') || el.getAttribute('placeholder') || el.tagName) : 'nothing';
})()`;

const DRAWER_TEXT = `(() => {
  const list = document.querySelector('[role="log"][aria-label="Log entries"]');
  return list ? list.children.length + ' rows, ' + (list.textContent || '').length + ' characters' : 'no list';
})()`;

const TRACE_CATEGORIES = ['-*', 'toplevel', 'blink.user_timing', '__metadata', 'devtools.timeline'];

/** The trace of all tabs: saved for DevTools, and each tab's main-thread time by event in the log. */
async function saveTrace(context: BenchContext, trace: Buffer, scenario: Scenario): Promise<void> {
  const path = join(context.resultsDir, 'ui-tabs.trace.json');
  await writeFile(path, trace);
  const events = parseTrace(trace.toString('utf8'));
  for (let tab = 1; tab <= scenario.tabs; tab += 1) {
    const pid = events.find((event) => event.name === `bench-tab-${tab}`)?.pid;
    if (pid === undefined) continue;
    const title = `tab ${tab}${tab === 1 && scenario.drawer ? ' (log drawer open)' : ''} (trace in ${path})`;
    logBreakdown(context, title, traceBreakdown(events, 'bench-first-token', 'bench-final-paint', pid));
  }
}

async function startProfile(cdp: CDPSession): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
}

/** Each tab's CPU profile of the streams: saved for DevTools, summarised in the log. */
async function saveProfiles(context: BenchContext, cdps: readonly CDPSession[], scenario: Scenario) {
  for (const [index, cdp] of cdps.entries()) {
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    const path = join(context.resultsDir, `ui-tabs-${index + 1}.cpuprofile`);
    await writeFile(path, JSON.stringify(profile));
    const title = `tab ${index + 1}${index === 0 && scenario.drawer ? ' (log drawer open)' : ''}`;
    context.log(
      `tabs: CPU profile of ${title} in ${path}\n${formatProfile(summarizeProfile(profile, 20), title)}`,
    );
  }
}

async function openTab(browserContext: BrowserContext, origin: string): Promise<Page> {
  const page = await browserContext.newPage();
  await page.goto(`${origin}/#token=${tokenOf(origin) ?? ''}`);
  await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 30_000 });
  // Warm-up: the highlighter's grammars load here, not during the measured streams.
  await page.evaluate('window.__bench.arm()');
  await send(page, promptFor({ kind: 'warmup', tokens: 0 }));
  await page.evaluate('window.__bench.done');
  return page;
}

async function send(page: Page, prompt: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(prompt);
  await box.press('Enter');
}

/**
 * Types a key every 120 ms in one tab after another, 10 keys each, until every answer has had its
 * final paint: a user types in the tab in front while the others stream behind it (a tab behind
 * gets no animation frames, so only the tab in front can time its keys).
 */
async function typeInTurnUntilDone(pages: Page[]): Promise<boolean[]> {
  const finished = pages.map(() => false);
  pages.forEach((page, index) => {
    void page.evaluate('window.__bench.done').then(() => {
      finished[index] = true;
    });
  });
  const limit = performance.now() + FINISH_LIMIT_MS;
  for (let turn = 0; !finished.every(Boolean) && performance.now() < limit; turn += 1) {
    const page = pages[turn % pages.length]!;
    await page.bringToFront();
    await page.getByRole('textbox', { name: 'Message' }).focus();
    for (let key = 0; key < 10; key += 1) {
      await page.keyboard.type('a');
      await page.waitForTimeout(120);
    }
  }
  return finished;
}

function rowOf(
  reduced: string | undefined,
  spec: AnswerSpec,
  scenario: Scenario,
  finished: boolean[],
  probes: ProbeData[],
  threads: ThreadMetrics[],
  processes: ProcessUse,
): BenchRow {
  // "Input delay" as Event Timing defines it: the key's timestamp → its first handler.
  const p95s = probes.map((probe) => percentile(probe.delays, 95));
  const latencyP95s = probes.map((probe) => percentile(probe.inputs, 95));
  const worst = max(p95s);
  const allFinished = finished.every(Boolean);
  return {
    id: '7d',
    name: 'UI four tabs streaming at once + log drawer',
    figure: `input delay p95 per tab ${p95s.map((p95) => fmt(p95)).join(' / ')} ms`,
    reference: `${finished.filter(Boolean).length} of ${scenario.tabs} tabs finished their answer`,
    ratio: `worst ${fmt(worst)} ms`,
    goal: `every tab finishes, input delay p95 ${describeGoal(INPUT_P95_GOAL)} in each`,
    status: statusOf([allFinished, meets(worst, INPUT_P95_GOAL)]),
    reduced,
    note: `${spec.tokens} tokens at ${RATE} tok/s in each tab, ${describeScenario(scenario)}; keys typed ${probes.map((probe) => probe.inputs.length).join(' / ')}; input delay is key → its first handler (Event Timing's definition), key → just after the next frame p95 per tab ${latencyP95s.map((p95) => fmt(p95)).join(' / ')} ms; main-thread CPU ms per tab ${threads.map((t) => fmt(t.cpu)).join(' / ')}; ${describeProcesses(processes)}`,
    data: {
      scenario,
      finished,
      p95s,
      latencyP95s,
      inputs: probes.map((probe) => probe.inputs.length),
      threads,
      processes: Object.fromEntries(processes),
    },
  };
}
