import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../fixtures/index.js';
import { conversation, openApp, problemsSeen, sidebar, topInView } from './support/app-page.js';
import { rest } from './support/rest.js';
import { startWorld, type World } from './support/world.js';

const MESSAGES = 2000;
/** A word only one message far up holds (the search test's target). */
const RARE_WORD = 'zebracorn';
const RARE_AT = 150;

let world: World;

const uuid = (kind: number, n: number) =>
  `0192${kind.toString(16).padStart(4, '0')}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

/** A LightChat export holding one conversation of `count` messages, imported through `POST /import`. */
async function importConversation(title: string, count: number, kind: number): Promise<void> {
  const start = Date.UTC(2026, 0, 1);
  const messages = Array.from({ length: count }, (_, index) => ({
    id: uuid(kind + 1, index),
    parent_id: index === 0 ? null : uuid(kind + 1, index - 1),
    role: index % 2 === 0 ? 'user' : 'assistant',
    content: `Message number ${index}. ${index === RARE_AT ? `The ${RARE_WORD} is here. ` : ''}${'Some words to give it a height. '.repeat(4)}`,
    status: 'done',
    created_at: new Date(start + index * 1000).toISOString(),
  }));
  const file = {
    format: 'lightchat.conversations',
    version: 1,
    conversations: [
      {
        id: uuid(0, kind + 1),
        title,
        created_at: new Date(start).toISOString(),
        updated_at: new Date(start + count * 1000).toISOString(),
        current_leaf_id: uuid(kind + 1, count - 1),
        messages,
      },
    ],
  };
  const answer = await rest<{ imported: number }>(world.app, 'POST', '/import', file);
  expect(answer.imported).toBe(1);
}

beforeAll(async () => {
  world = await startWorld();
  await importConversation('A very long conversation', MESSAGES, 0);
  // Fewer than one read (40) but more than the page renders at first (20): all of it is loaded.
  await importConversation('A conversation of 24 messages', 24, 10);
});
afterAll(() => world?.close());

const articles = (page: Page) => conversation(page).getByRole('article');
const message = (page: Page, index: number) => articles(page).filter({ hasText: `Message number ${index}.` });

describe('a 24-message conversation, loaded whole', () => {
  const open = async () => {
    const page = await openApp(world);
    await sidebar(page).getByRole('button', { name: 'A conversation of 24 messages', exact: true }).click();
    await message(page, 23).waitFor();
    // The latest rows are painted first, the rest of the first 20 right after: from there on.
    await conversation(page).getByRole('button', { name: 'Show earlier messages (4)' }).waitFor();
    return page;
  };

  it('shows its first messages with `Show earlier messages`, and they stay', async () => {
    const page = await open();
    // Dispatched, not clicked: scrolling the button into view would render them before the click.
    await conversation(page)
      .getByRole('button', { name: /Show earlier messages/ })
      .dispatchEvent('click');
    await message(page, 0).waitFor();
    expect(await articles(page).count()).toBe(24);
    await expect(
      conversation(page)
        .getByRole('button', { name: /Show earlier messages/ })
        .count(),
    ).resolves.toBe(0);
  });

  it('keeps the focus on `Show earlier messages` reached by keyboard, and moves it to the message above once pressed', async () => {
    const page = await open();
    // Focusing it scrolls it into view, which used to render the rows above by itself: the button
    // went and the focus fell to the page's body.
    await conversation(page)
      .getByRole('button', { name: /Show earlier messages/ })
      .focus();
    await page.keyboard.press('Enter');
    await message(page, 0).waitFor();
    expect(await articles(page).count()).toBe(24);
    // The message just above the first one shown before (message 4).
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-message-id') ?? 'none'), {
        timeout: HANG_MS,
      })
      .toBe(uuid(11, 3));
  });

  it('shows its first messages when scrolled to the top', async () => {
    const page = await open();
    await expect
      .poll(
        async () => {
          await conversation(page).evaluate((box) => {
            box.scrollTop = 0;
          });
          return message(page, 0).count();
        },
        { timeout: HANG_MS },
      )
      .toBe(1);
    expect(await articles(page).count()).toBe(24);
  });
});

describe(`a ${MESSAGES}-message conversation`, () => {
  it('opens on its latest messages with only a bounded part rendered, and renders earlier ones as it scrolls up', async () => {
    const page = await openApp(world);
    await sidebar(page).getByRole('button', { name: 'A very long conversation', exact: true }).click();
    await message(page, MESSAGES - 1).waitFor();
    const first = await articles(page).count();
    expect(first).toBeLessThan(100);
    expect(await message(page, MESSAGES - 100).count()).toBe(0);

    // Scrolling up renders the messages above, a part at a time.
    await expect
      .poll(
        async () => {
          await conversation(page).evaluate((box) => {
            box.scrollTop = 0;
          });
          return message(page, MESSAGES - 100).count();
        },
        { timeout: HANG_MS },
      )
      .toBe(1);
    expect(await articles(page).count()).toBeGreaterThan(first);
    // Or by keyboard, with the button at the top.
    await conversation(page)
      .getByRole('button', { name: /Show earlier messages/ })
      .waitFor();
  });

  it('a search result far up opens at that message, highlighted and in view', async () => {
    const page = await openApp(world);
    const search = sidebar(page).getByRole('searchbox', { name: 'Search conversations' });
    await search.fill(RARE_WORD);
    await sidebar(page).getByRole('group', { name: 'Search results' }).getByRole('button').first().waitFor();
    await search.press('Enter');
    const target = message(page, RARE_AT);
    await target.waitFor();
    await expect.poll(() => target.getAttribute('data-highlighted'), { timeout: HANG_MS }).toBe('true');
    // textContent: innerText can miss a message content-visibility has not rendered yet.
    await expect(target.textContent()).resolves.toContain(RARE_WORD);
    await expect.poll(() => topInView(target), { timeout: HANG_MS }).toBe(true);
    expect(await articles(page).count()).toBeLessThan(150);
  });

  it('threw no page errors and CSP blocked nothing', () => {
    expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
  });
});
