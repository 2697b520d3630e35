import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, lastAnswer, openApp, send, sidebar } from './support/app-page.js';
import { type AxeFinding, axeFindings, blocking, summarise } from './support/axe.js';
import { RESULTS_DIR } from './support/browser.js';
import { startWorld, type World } from './support/world.js';

let world: World;
/** Everything axe said, per scheme and view, kept in test-results/ for the record. */
const report: Record<string, Record<string, { summary: string[]; findings: AxeFinding[] }>> = {};

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(`${RESULTS_DIR}axe-report.json`, `${JSON.stringify(report, null, 2)}\n`);
});

/** Seven axe runs take seconds each on a loaded machine: this only stops a hung run. */
const AXE_HANG_MS = 600_000;

describe.each(['light', 'dark'] as const)('axe-core in %s mode', (scheme) => {
  it(
    'finds no serious or critical violation, nor a landmark one, in any view: empty chat, Markdown answer, error notice, Settings, Logs, Models, search results',
    async () => {
      const page = await openApp(world, { colorScheme: scheme });
      const found: Record<string, AxeFinding[]> = {};
      report[scheme] = {};
      const check = async (view: string) => {
        const started = performance.now();
        found[view] = await axeFindings(page);
        report[scheme]![view] = { summary: summarise(found[view]), findings: found[view] };
        console.log(`${scheme} ${view}: axe took ${Math.round(performance.now() - started)} ms`);
      };

      await check('empty chat');

      await send(page, 'Show me some markdown at once');
      await finished(lastAnswer(page), 'Regenerate');
      await check('answer with Markdown and code');

      await send(page, 'This one always fails');
      await finished(lastAnswer(page), 'Retry');
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

      await page.getByRole('button', { name: 'Models', exact: true }).click();
      const models = page.getByRole('dialog', { name: 'Models' });
      await models.getByRole('row', { name: 'llama3.2', exact: true }).getByText('loaded').first().waitFor();
      await check('Models');
      await page.keyboard.press('Escape');
      await models.waitFor({ state: 'hidden' });

      await sidebar(page).getByRole('searchbox', { name: 'Search conversations' }).fill('markdown');
      await sidebar(page)
        .getByRole('group', { name: 'Search results' })
        .getByRole('button')
        .first()
        .waitFor();
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
