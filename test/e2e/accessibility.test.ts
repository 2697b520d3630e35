import { mkdir, writeFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AxeFinding, axeFindings, blocking, summarise } from './support/axe.js';
import { openPage, RESULTS_DIR } from './support/browser.js';
import { startWorld, type World } from './support/world.js';

let world: World;
let lastContext: BrowserContext | undefined;
/** Everything axe said, per scheme and view, kept in test-results/ for the record. */
const report: Record<string, Record<string, { summary: string[]; findings: AxeFinding[] }>> = {};

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await lastContext?.close();
  await world?.close();
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(`${RESULTS_DIR}axe-report.json`, `${JSON.stringify(report, null, 2)}\n`);
});

const ANSWER_HANG_MS = 45_000;
/** Six axe runs take seconds each on a loaded machine: this only stops a hung run. */
const AXE_HANG_MS = 600_000;

async function open(colorScheme: 'light' | 'dark'): Promise<Page> {
  await lastContext?.close();
  const opened = await openPage(world.browser, world.app.link, { colorScheme });
  lastContext = opened.context;
  await opened.page
    .getByRole('combobox', { name: 'Model' })
    .and(opened.page.locator('input:not([disabled])'))
    .waitFor();
  return opened.page;
}

const lastAnswer = (page: Page) =>
  page
    .getByRole('region', { name: 'Conversation' })
    .getByRole('article', { name: 'Assistant message' })
    .last();

async function send(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

describe.each(['light', 'dark'] as const)('axe-core in %s mode', (scheme) => {
  it(
    'finds no serious or critical violation in any view: empty chat, Markdown answer, error notice, Settings, Logs, search results',
    async () => {
      const page = await open(scheme);
      const found: Record<string, AxeFinding[]> = {};
      report[scheme] = {};
      const check = async (view: string) => {
        const started = performance.now();
        found[view] = await axeFindings(page);
        report[scheme]![view] = { summary: summarise(found[view]), findings: found[view] };
        console.log(`${scheme} ${view}: axe took ${Math.round(performance.now() - started)} ms`);
      };

      await check('empty chat');

      await send(page, 'Show me some markdown');
      await lastAnswer(page).getByRole('button', { name: 'Regenerate' }).waitFor({ timeout: ANSWER_HANG_MS });
      await check('answer with Markdown and code');

      await send(page, 'This one always fails');
      await lastAnswer(page).getByRole('button', { name: 'Retry' }).waitFor({ timeout: ANSWER_HANG_MS });
      await check('error notice');

      await page.getByRole('button', { name: 'Settings' }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      await settings.getByRole('textbox', { name: 'Name' }).first().waitFor();
      await check('Settings');
      await page.keyboard.press('Escape');
      await settings.waitFor({ state: 'hidden' });

      await page.getByRole('button', { name: 'Logs' }).click();
      const logs = page.getByRole('dialog', { name: 'Logs' });
      await logs.getByText('LightChat started').first().waitFor();
      await check('Logs');
      await page.keyboard.press('Escape');
      await logs.waitFor({ state: 'hidden' });

      const sidebar = page.getByRole('navigation', { name: 'Conversations' });
      await sidebar.getByRole('searchbox', { name: 'Search conversations' }).fill('markdown');
      await sidebar.getByRole('group', { name: 'Search results' }).getByRole('button').first().waitFor();
      await check('search results');

      const serious = Object.fromEntries(
        Object.entries(found)
          .map(([view, findings]) => [view, blocking(findings)] as const)
          .filter(([, findings]) => findings.length > 0),
      );
      expect(serious).toEqual({});
    },
    AXE_HANG_MS,
  );
});
