import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_HANG_MS, finished, lastAnswer, openApp, problemsSeen } from './support/app-page.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

/** Far more Tab presses than the page has controls before the message box: a missing one ends the search. */
const MAX_TABS = 80;

/** The focused element's accessible name as a user hears it: aria-label, its label, or its text. */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return '';
    const labelled = element.getAttribute('aria-labelledby');
    const label =
      element.getAttribute('aria-label') ??
      (labelled ? document.getElementById(labelled)?.textContent : null) ??
      (element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : null) ??
      element.textContent ??
      '';
    return label.trim();
  });

/** Presses Tab until the focused control is named `name`; fails if it never is. */
async function tabTo(page: Page, name: string | RegExp) {
  const matches = (text: string) => (typeof name === 'string' ? text === name : name.test(text));
  const seen: string[] = [];
  for (let press = 0; press < MAX_TABS; press += 1) {
    await page.keyboard.press('Tab');
    const focused = await focusedName(page);
    if (matches(focused)) return;
    seen.push(focused);
  }
  throw new Error(`Tab never reached ${name}; focus went through: ${seen.join(' | ')}`);
}

/** Whether the focused element shows a focus ring (an outline or Mantine's ring). */
const focusRingShown = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement;
    const style = getComputedStyle(element);
    return (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none';
  });

describe('the keyboard alone', () => {
  it('skip link, New chat, send, stop with Esc, open Settings, change a field, save, close with Esc (focus returns)', async () => {
    const page = await openApp(world);
    const messageBox = page.getByRole('textbox', { name: 'Message' });
    const isFocused = (locator: ReturnType<Page['getByRole']>) =>
      locator.evaluate((element) => element === document.activeElement);

    // The skip link is the first stop of the page (Tab wraps round to it) and lands in the message box.
    await tabTo(page, 'Skip to message box');
    expect(
      await page.evaluate(
        () => document.querySelector('a, button, input, textarea') === document.activeElement,
      ),
    ).toBe(true);
    expect(await focusRingShown(page)).toBe(true);
    await page.keyboard.press('Enter');
    expect(await isFocused(messageBox)).toBe(true);

    await tabTo(page, 'New chat');
    expect(await focusRingShown(page)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => isFocused(messageBox)).toBe(true);

    await page.keyboard.type('Tell me a long story');
    await page.keyboard.press('Enter');
    const answer = lastAnswer(page);
    await answer.getByText('once upon a time', { exact: false }).first().waitFor({ timeout: ANSWER_HANG_MS });
    await page.keyboard.press('Escape');
    await finished(answer, 'Regenerate');
    await expect(answer.innerText()).resolves.toMatch(/stopped/i);
    await expect
      .poll(() => page.getByRole('status', { name: 'Answer status' }).innerText())
      .toBe('Answer stopped.');

    await tabTo(page, 'Settings');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByRole('textbox', { name: 'Name' }).first().waitFor();
    await tabTo(page, 'Log files kept');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('7');
    await tabTo(page, 'Save');
    await page.keyboard.press('Enter');
    await dialog.getByText('Saved to settings.yaml.').waitFor();
    expect(await readFile(world.app.settingsPath, 'utf8')).toMatch(/^log_max_files: 7$/m);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedName(page)).toBe('Settings');
  });

  it('Esc closes the Logs drawer and focus returns to the Logs button', async () => {
    const page = await openApp(world);
    await tabTo(page, 'Logs');
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog', { name: 'Logs' });
    await drawer.waitFor();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedName(page)).toBe('Logs');
  });

  it('no page threw or hit the Content-Security-Policy', () => {
    expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
  });
});
