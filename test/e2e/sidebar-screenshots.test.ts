import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORTS_DIR } from '../unit/import/import-data.js';
import { answers, openApp, problemsSeen, sidebar } from './support/app-page.js';
import { screenshot } from './support/browser.js';
import { rest, titledConversation } from './support/rest.js';
import { startWorld, type World } from './support/world.js';

/**
 * The screenshots of the Conversations sidebar in README and docs/ (`npm run screenshots` copies them
 * from test-results/): a realistic history, a real ChatGPT export (2023, under Older) plus today's
 * conversations, one of them pinned, one open with a Markdown answer.
 */

let world: World;

beforeAll(async () => {
  world = await startWorld();
  const file = await readFile(join(IMPORTS_DIR, 'chatgpt-nexus-full-2023.json'));
  const response = await fetch(`${world.app.url}/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.app.token}`, 'content-type': 'application/json' },
    body: file,
  });
  expect(response.status).toBe(200);
  const pinned = await titledConversation(
    world.app,
    'Trip to Lisbon: packing list',
    'Packing list for Lisbon',
  );
  await rest(world.app, 'PATCH', `/conversations/${pinned.conversation_id}`, { pinned: true });
  for (const title of ['Weekly report draft', 'SQL index for the orders table', 'Birthday message ideas']) {
    await titledConversation(world.app, title);
  }
  await titledConversation(world.app, 'Compare TypeScript and Python', 'Show me some markdown');
});
afterAll(() => world?.close());

async function showHistory(colorScheme: 'light' | 'dark'): Promise<Page> {
  const page = await openApp(world, { colorScheme });
  await sidebar(page).getByText('Older', { exact: true }).waitFor();
  await sidebar(page).getByRole('button', { name: 'Compare TypeScript and Python', exact: true }).click();
  await answers(page).locator('table').waitFor();
  await page.waitForFunction(
    (scheme) => document.documentElement.dataset.mantineColorScheme === scheme,
    colorScheme,
  );
  await page.getByRole('textbox', { name: 'Message' }).focus();
  return page;
}

describe('screenshots of the Conversations sidebar', () => {
  it('in light mode', async () => {
    const page = await showHistory('light');
    await screenshot(page, 'lightchat-sidebar-light');
  });

  it('in dark mode', async () => {
    const page = await showHistory('dark');
    await screenshot(page, 'lightchat-sidebar-dark');
  });

  it('threw no page errors and CSP blocked nothing', () => {
    expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
  });
});
