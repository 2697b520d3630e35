import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROW_HEIGHTS } from '../../src/renderer/history/row-heights.js';
import { HANG_MS } from '../fixtures/index.js';
import { answers, appReady, conversation, openApp, problemsSeen, send, sidebar } from './support/app-page.js';
import { chatInto, rest, titledConversation } from './support/rest.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

/** Two tabs open and stream in a few seconds; a loaded machine took 45 s: this only stops a hung run. */
const TWO_TABS_HANG_MS = 180_000;
/** 130 conversations made one request at a time: 12 s alone, over 60 s at load 25 beside the other tests. */
const LONG_LIST_HANG_MS = 180_000;

const item = (page: Page, title: string) => sidebar(page).getByRole('button', { name: title, exact: true });

interface StoredConversation {
  id: string;
  title: string | null;
  pinned: boolean;
}

async function createConversation(fields: Record<string, unknown>): Promise<StoredConversation> {
  return rest<StoredConversation>(world.app, 'POST', '/conversations', fields);
}

/** Clicks an action in a conversation's menu. */
async function menuAction(page: Page, title: string, action: string) {
  await sidebar(page)
    .getByRole('button', { name: `Actions for ${title}` })
    .click();
  await page.getByRole('menuitem', { name: action }).click();
}

describe('the Conversations sidebar', () => {
  it('opens a stored conversation with its provider, model and system prompt; a reload keeps it; New chat starts with the defaults', async () => {
    const stored = await createConversation({
      title: 'Pirate talk',
      provider_id: 'fake_openai',
      model_id: 'gpt-4o-mini',
      system_prompt: 'Talk like a pirate.',
    });
    await chatInto(world.app, { conversation_id: stored.id, prompt: 'What is your system prompt?' });
    const page = await openApp(world);
    await sidebar(page).getByText('Today', { exact: true }).waitFor();
    await item(page, 'Pirate talk').click();
    await conversation(page).getByText('The system prompt I received: Talk like a pirate.').waitFor();
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Provider' }).inputValue(), { timeout: HANG_MS })
      .toBe('Fake OpenAI');
    // The model list of that provider loads first.
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Model' }).inputValue(), { timeout: HANG_MS })
      .toBe('gpt-4o-mini');
    await page.getByRole('button', { name: 'Edit system prompt' }).click();
    await expect(page.getByRole('textbox', { name: 'System prompt' }).inputValue()).resolves.toBe(
      'Talk like a pirate.',
    );

    await page.reload();
    await conversation(page).getByText('The system prompt I received: Talk like a pirate.').waitFor();
    await expect(item(page, 'Pirate talk').getAttribute('aria-current')).resolves.toBe('page');

    await sidebar(page).getByRole('button', { name: 'New chat' }).click();
    await page.waitForFunction(() => document.querySelectorAll('article').length === 0);
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Provider' }).inputValue(), { timeout: HANG_MS })
      .toBe('Fake Ollama');
    await expect(
      page.getByRole('textbox', { name: 'Message' }).evaluate((box) => box === document.activeElement),
    ).resolves.toBe(true);
    // Nothing was lost: the conversation is still listed.
    await item(page, 'Pirate talk').waitFor();
  });

  it('Rename is inline, Pin moves a conversation on top, Delete asks first', async () => {
    await titledConversation(world.app, 'Alpha question');
    await titledConversation(world.app, 'Beta question');
    const page = await openApp(world);
    await menuAction(page, 'Alpha question', 'Rename');
    const title = sidebar(page).getByRole('textbox', { name: 'Title' });
    await title.fill('Renamed alpha');
    await title.press('Enter');
    await item(page, 'Renamed alpha').waitFor();

    await menuAction(page, 'Renamed alpha', 'Pin');
    await sidebar(page).getByText('Pinned', { exact: true }).waitFor();
    const first = sidebar(page)
      .getByRole('listitem')
      .filter({ has: page.getByRole('button') })
      .first();
    await expect(first.innerText()).resolves.toContain('Renamed alpha');

    await menuAction(page, 'Beta question', 'Delete');
    const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await item(page, 'Beta question').waitFor();
    await menuAction(page, 'Beta question', 'Delete');
    await page
      .getByRole('dialog', { name: 'Delete this conversation?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await item(page, 'Beta question').waitFor({ state: 'detached' });
    const list = await rest<{ items: StoredConversation[] }>(world.app, 'GET', '/conversations?limit=200');
    expect(list.items.map((entry) => entry.title)).not.toContain('Beta question');
    expect(list.items.find((entry) => entry.title === 'Renamed alpha')?.pinned).toBe(true);
  });

  it('Ctrl+B hides and shows the sidebar, and a reload remembers it', async () => {
    const page = await openApp(world);
    await sidebar(page).waitFor();
    await page.keyboard.press('Control+b');
    await sidebar(page).waitFor({ state: 'detached' });
    await page.reload();
    await appReady(page);
    expect(await sidebar(page).count()).toBe(0);
    // New chat stays reachable while the sidebar is hidden.
    await page.getByRole('button', { name: 'New chat' }).waitFor();
    await page.getByRole('button', { name: 'Show conversations' }).click();
    await sidebar(page).waitFor();
  });

  it('renders only the rows in view of a long list and loads more pages as it scrolls', {
    timeout: LONG_LIST_HANG_MS,
  }, async () => {
    for (let index = 0; index < 130; index += 1) {
      await createConversation({ title: `Bulk conversation ${String(index).padStart(3, '0')}` });
    }
    const page = await openApp(world);
    await item(page, 'Bulk conversation 129').waitFor();
    const rendered = await sidebar(page).getByRole('listitem').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    // Each row is as tall as the list counted it before it appeared: none is measured again.
    const heights = await sidebar(page)
      .getByRole('listitem')
      .evaluateAll((rows) =>
        rows.map((row) => ({
          type: row.querySelector('button') ? 'conversation' : 'heading',
          height: Math.round(row.getBoundingClientRect().height),
        })),
      );
    for (const row of heights) expect(row.height).toBe(ROW_HEIGHTS[row.type as keyof typeof ROW_HEIGHTS]);
    // The oldest is on a later page: scroll until it is there.
    const scroller = sidebar(page).getByRole('list').locator('..');
    await expect
      .poll(
        async () => {
          await scroller.evaluate((box) => {
            box.scrollTop = box.scrollHeight;
          });
          return item(page, 'Bulk conversation 000').count();
        },
        { timeout: HANG_MS * 3 },
      )
      .toBe(1);
  });

  it('two pages on one server see each other’s new conversation and new title', {
    timeout: TWO_TABS_HANG_MS,
  }, async () => {
    const first = await openApp(world);
    const second = await openApp(world, { keep: true });
    const stored = await titledConversation(world.app, 'Seen by both tabs');
    // Within 1 s by the contract; the deadline only stops a hung run.
    await item(first, 'Seen by both tabs').waitFor({ timeout: HANG_MS });
    await item(second, 'Seen by both tabs').waitFor({ timeout: HANG_MS });
    await menuAction(first, 'Seen by both tabs', 'Rename');
    const title = sidebar(first).getByRole('textbox', { name: 'Title' });
    await title.fill('Renamed in the first tab');
    await title.press('Enter');
    await item(second, 'Renamed in the first tab').waitFor({ timeout: HANG_MS });
    expect(stored.conversation_id).toEqual(expect.any(String));
  });

  it('an item shows a spinner while its answer streams, in this tab and another; the other tab sees the finished answer', {
    timeout: TWO_TABS_HANG_MS,
  }, async () => {
    await titledConversation(world.app, 'Shared story');
    const first = await openApp(world);
    const second = await openApp(world, { keep: true });
    for (const page of [first, second]) await item(page, 'Shared story').click();
    const spinner = (page: Page) =>
      sidebar(page).getByRole('progressbar', { name: 'Answer streaming in Shared story' });
    expect(await spinner(first).count()).toBe(0);

    await send(first, 'Tell me a long story');
    await spinner(first).waitFor({ timeout: HANG_MS });
    await spinner(second).waitFor({ timeout: HANG_MS });
    await first.getByRole('button', { name: 'Stop' }).click();
    await spinner(first).waitFor({ state: 'detached', timeout: HANG_MS });
    await spinner(second).waitFor({ state: 'detached', timeout: HANG_MS });
    // The other tab shows the answer as it ended (within 1 s by the contract; the deadline only stops a hung run).
    const stopped = answers(second).last();
    await stopped.getByText('stopped', { exact: true }).waitFor({ timeout: HANG_MS });
    await expect(stopped.textContent()).resolves.toContain('once upon');

    await send(first, 'One more question for both tabs');
    await answers(second)
      .getByText('One more question for both tabs', { exact: false })
      .waitFor({ timeout: HANG_MS });
  });

  it("paints before asking for the header's lazy parts, with about a third of the CSS it had", async () => {
    const page = await openApp(world);
    const load = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      files: (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((entry) => entry.name.includes('/assets/'))
        .map((entry) => ({
          name: new URL(entry.name).pathname.replace('/assets/', ''),
          start: entry.startTime,
          bytes: entry.decodedBodySize,
        })),
    }));
    expect(load.paint).not.toBeNull();
    const beforePaint = load.files.filter((file) => file.start < (load.paint ?? 0));
    // The selects (and their floating-ui, portal, scroll area) and tooltips come after the paint.
    const lazy = /^(select-module|Select|tooltip-module|Tooltip|HeaderMenu)-/;
    expect(load.files.some((file) => file.name.startsWith('select-module-'))).toBe(true);
    expect(beforePaint.filter((file) => lazy.test(file.name)).map((file) => file.name)).toEqual([]);
    // All of Mantine's styles were 255 KB minified; the first screen's are under 100 KB. (The Markdown
    // view's styles may come before the paint on a loaded machine: it is preloaded when idle.)
    const entryCss = beforePaint.filter((file) => /^index-.+\.css$/.test(file.name));
    expect(entryCss).toHaveLength(1);
    expect(entryCss[0]?.bytes).toBeLessThan(100_000);
  });

  it("paints the sidebar's list from the page's shell before the app, and the app's first commit has the same list", async () => {
    await titledConversation(world.app, 'Painted early');
    const page = await openApp(world);
    // What the page showed as it loaded again: the shell with its rows, then the app in its place.
    await page.context().addInitScript(() => {
      const seen = { shellRows: 0, rowsAtTakeover: -1, loader: false };
      (window as unknown as { __shell: typeof seen }).__shell = seen;
      new MutationObserver(() => {
        const shell = document.getElementById('lc-shell');
        if (shell && !shell.hidden) seen.shellRows = shell.querySelectorAll('li button').length;
        if (document.querySelector('[aria-label="Loading conversations"]')) seen.loader = true;
        if (!shell && seen.rowsAtTakeover === -1 && seen.shellRows > 0) {
          seen.rowsAtTakeover = document.querySelectorAll(
            'nav[aria-label="Conversations"] ul li button',
          ).length;
        }
      }).observe(document, { childList: true, subtree: true, attributes: true });
    });
    await page.reload();
    await appReady(page);
    const seen = await page.evaluate(() => (window as unknown as { __shell: unknown }).__shell);
    const { shellRows } = seen as { shellRows: number };
    expect(shellRows).toBeGreaterThan(0);
    // The same rows (item and Actions buttons) in the app's first commit, and no loader ever.
    expect(seen).toEqual({ shellRows, rowsAtTakeover: shellRows, loader: false });
    await expect(sidebar(page).locator('ul li button').count()).resolves.toBeGreaterThan(0);
  });

  it('threw no page errors and CSP blocked nothing', () => {
    expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
  });
});
