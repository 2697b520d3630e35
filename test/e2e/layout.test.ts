import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../fixtures/index.js';
import { finished, lastAnswer, openApp, problemsSeen, send } from './support/app-page.js';
import { screenshot } from './support/browser.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

/** The app in a window `width` CSS px wide (800 high unless told). */
const open = (
  width: number,
  options: { colorScheme?: 'light' | 'dark'; height?: number; reducedMotion?: 'reduce' } = {},
): Promise<Page> => {
  const { height = 800, ...look } = options;
  return openApp(world, { ...look, viewport: { width, height } });
};

async function ask(page: Page, text: string, endsWith: 'Regenerate' | 'Retry') {
  await send(page, text);
  await finished(lastAnswer(page), endsWith);
}

/** How far the page scrolls sideways (0 when it does not). */
const sidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/**
 * Buttons whose text does not fit: the button or a box inside it (Mantine clips a label in its own
 * box) is narrower than its content. A text that ends in an ellipsis on purpose (a long conversation
 * title) says so, and is not counted.
 */
const clippedButtons = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, [role="button"]')]
      .filter((button) => button.checkVisibility())
      .filter((button) =>
        [button, ...button.querySelectorAll<HTMLElement>('*')].some(
          (box) =>
            getComputedStyle(box).display !== 'inline' &&
            getComputedStyle(box).textOverflow !== 'ellipsis' &&
            box.clientWidth > 0 &&
            box.scrollWidth > box.clientWidth,
        ),
      )
      .map((button) => button.getAttribute('aria-label') ?? button.textContent ?? button.outerHTML),
  );

/** The window's actions, by their names: each is on screen, or one step away in the header's menu. */
const HEADER_ACTIONS: (string | RegExp)[] = [
  'Edit system prompt',
  'New chat',
  'Logs',
  'Settings',
  /^Color scheme/,
  /^(Show|Hide) conversations$/,
];

async function howReached(page: Page, name: string | RegExp): Promise<'button' | 'menu' | 'unreachable'> {
  const exact = typeof name === 'string';
  for (const button of await page.getByRole('button', { name, exact }).all()) {
    if (await button.isVisible()) return 'button';
  }
  const more = page.getByRole('banner').getByRole('button', { name: 'More actions' });
  if (!(await more.isVisible())) return 'unreachable';
  await more.click();
  const item = page.getByRole('menu').getByRole('menuitem', { name, exact });
  // The menu's chunk may still be loading on a loaded machine: this only stops a hung menu.
  const shown = await item
    .waitFor({ timeout: HANG_MS })
    .then(() => true)
    .catch(() => false);
  await page.keyboard.press('Escape');
  await page.getByRole('menu').waitFor({ state: 'hidden' });
  return shown ? 'menu' : 'unreachable';
}

describe.each([360, 768, 1280])('the window at %i px wide', (width) => {
  it('never scrolls sideways, clips no button and keeps every header action reachable', async () => {
    const page = await open(width);
    await ask(page, 'Show me some markdown at once', 'Regenerate');
    await ask(page, 'This one always fails', 'Retry');
    expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
    const clipped = await clippedButtons(page);
    expect(clipped, clipped.join(' | ')).toEqual([]);
    const reached: Record<string, string> = {};
    for (const name of HEADER_ACTIONS) reached[String(name)] = await howReached(page, name);
    expect(
      Object.values(reached).filter((way) => way === 'unreachable'),
      JSON.stringify(reached),
    ).toEqual([]);
    for (const name of ['Provider', 'Model']) {
      const box = await page.getByRole('combobox', { name }).boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(width);
    }
  });

  it('opens Settings and Logs within the window', async () => {
    const page = await open(width);
    for (const name of ['Settings', 'Logs']) {
      if ((await howReached(page, name)) === 'menu') {
        await page.getByRole('banner').getByRole('button', { name: 'More actions' }).click();
        await page.getByRole('menuitem', { name, exact: true }).click();
      } else {
        await page.getByRole('button', { name, exact: true }).click();
      }
      const dialog = page.getByRole('dialog', { name });
      // Measured once filled: the form once settings have loaded, the drawer once entries show.
      await (name === 'Settings'
        ? dialog.getByRole('textbox', { name: 'Name' }).first()
        : dialog.getByText('LightChat started').first()
      ).waitFor();
      // Polled until it has slid or faded in (a loaded machine paints the transition late).
      await expect
        .poll(() => dialog.evaluate((box) => box.getBoundingClientRect().right), {
          message: `${name}'s right edge`,
          timeout: HANG_MS,
        })
        .toBeLessThanOrEqual(width);
      expect(await dialog.evaluate((box) => box.getBoundingClientRect().left)).toBeGreaterThanOrEqual(0);
      expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
      const clipped = await clippedButtons(page);
      expect(clipped, `${name}: ${clipped.join(' | ')}`).toEqual([]);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    }
  });
});

describe('narrow windows', () => {
  it('the Conversations sidebar is an overlay drawer at 360 px: closed at first, opened by the header, closed by Esc', async () => {
    const page = await open(360);
    const sidebar = page.getByRole('navigation', { name: 'Conversations' });
    expect(await sidebar.isVisible()).toBe(false);
    await page.getByRole('banner').getByRole('button', { name: 'Show conversations' }).click();
    await sidebar.waitFor();
    const box = await sidebar.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
    await page.keyboard.press('Escape');
    await sidebar.waitFor({ state: 'hidden' });
  });

  it('works at 200 % zoom (a 1280 px window shows 640 CSS px)', async () => {
    const page = await open(640, { height: 400 });
    await ask(page, 'Show me some markdown at once', 'Regenerate');
    expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
    expect(await clippedButtons(page)).toEqual([]);
    expect(await page.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(true);
  });
});

describe('reduced motion', () => {
  it('a system set to reduce motion gets dialogs and the message box without transitions', async () => {
    const page = await open(1280, { reducedMotion: 'reduce' });
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.waitFor();
    const longest = (element: Element) =>
      Math.max(
        ...getComputedStyle(element)
          .transitionDuration.split(',')
          .map((part) => Number.parseFloat(part) * (part.trim().endsWith('ms') ? 1 : 1000)),
      );
    expect(await dialog.evaluate(longest)).toBeLessThan(1);
    expect(await page.getByRole('textbox', { name: 'Message' }).evaluate(longest)).toBeLessThan(1);
  });
});

describe('screenshots for docs/ (npm run screenshots copies them)', () => {
  for (const width of [420, 1280]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`${width} px, ${colorScheme}`, async () => {
        const page = await open(width, { colorScheme, height: width < 600 ? 860 : 800 });
        await ask(page, 'Show me some markdown', 'Regenerate');
        // The highlighter colours the code a moment after the answer ends.
        await page.waitForFunction(() =>
          [...document.querySelectorAll('[data-streamdown="code-block"] code span span')].some(
            (token) => getComputedStyle(token).color !== getComputedStyle(token.closest('article')!).color,
          ),
        );
        await page.getByRole('textbox', { name: 'Message' }).focus();
        await screenshot(page, `lightchat-${width}-${colorScheme}`);
      });
    }
  }
});

it('no page of these tests threw or hit the Content-Security-Policy', () => {
  expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
});
