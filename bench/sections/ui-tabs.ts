import type { BrowserContext, Page } from 'playwright-core';
import { type AnswerSpec, promptFor } from '../lib/answers.js';
import { launchChromium } from '../lib/browser.js';
import { tokenOf } from '../lib/clients.js';
import type { BenchSection } from '../lib/context.js';
import { LightChatServer } from '../lib/lightchat.js';
import { PAGE_PROBE, type ProbeData, READ_PROBE } from '../lib/page-probe.js';
import { type BenchRow, describeGoal, fmt, type Goal, meets, statusOf } from '../lib/rows.js';
import { max, percentile } from '../lib/stats.js';

const TABS = 4;
const RATE = 100;
const INPUT_P95_GOAL: Goal = { op: '<=', limit: 50, unit: 'ms' };
/** Guards against a hang: the streams take `tokens / RATE` seconds, this is far beyond it. */
const FINISH_LIMIT_MS = 240_000;

/**
 * Row 7d: four tabs of one browser stream an answer at once (100 tokens/s each) with the log drawer
 * open in one; every tab must get its whole answer (no request waits for a connection) and stay
 * responsive to typing.
 */
export const uiTabsSection: BenchSection = {
  key: 'tabs',
  ids: [{ id: '7d', name: 'UI four tabs streaming at once + log drawer' }],
  async run(context) {
    const tokens = context.quick ? 1_000 : 3_000;
    const spec: AnswerSpec = { kind: 'markdown', tokens, rate: RATE };
    const server = await LightChatServer.start(context.fakes, { logging: true });
    const browser = await launchChromium();
    try {
      // One context: its tabs share the browser's six HTTP/1.1 connections to the server.
      const browserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await browserContext.addInitScript({ content: PAGE_PROBE });
      const pages: Page[] = [];
      for (let i = 0; i < TABS; i += 1) pages.push(await openTab(browserContext, server.url));
      context.log(`tabs: ${TABS} tabs warmed up; streaming ${tokens} tokens at ${RATE} tok/s in each`);

      await Promise.all(
        pages.map(async (page) => {
          await page.evaluate('window.__bench.arm()');
          await send(page, promptFor(spec));
        }),
      );
      await pages[0]!.getByRole('button', { name: 'Logs', exact: true }).click();
      await pages[0]!.getByRole('dialog', { name: 'Logs' }).waitFor();

      const finished = await typeInTurnUntilDone(pages);
      const probes = await Promise.all(pages.map((page) => page.evaluate(READ_PROBE) as Promise<ProbeData>));
      await browserContext.close();
      return [rowOf(context.quick ? `${tokens} tokens` : undefined, spec, finished, probes)];
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};

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
  finished: boolean[],
  probes: ProbeData[],
): BenchRow {
  const p95s = probes.map((probe) => percentile(probe.inputs, 95));
  const worst = max(p95s);
  const allFinished = finished.every(Boolean);
  return {
    id: '7d',
    name: 'UI four tabs streaming at once + log drawer',
    figure: `input p95 per tab ${p95s.map((p95) => fmt(p95)).join(' / ')} ms`,
    reference: `${finished.filter(Boolean).length} of ${TABS} tabs finished their answer`,
    ratio: `worst ${fmt(worst)} ms`,
    goal: `every tab finishes, input p95 ${describeGoal(INPUT_P95_GOAL)} in each`,
    status: statusOf([allFinished, meets(worst, INPUT_P95_GOAL)]),
    reduced,
    note: `${spec.tokens} tokens at ${RATE} tok/s in each tab, log drawer open in the first; keys typed ${probes.map((probe) => probe.inputs.length).join(' / ')}`,
    data: { finished, p95s, inputs: probes.map((probe) => probe.inputs.length) },
  };
}
