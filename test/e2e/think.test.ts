import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../fixtures/index.js';
import { finished, lastAnswer, openApp, send, sidebar } from './support/app-page.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

async function chooseModel(page: Page, model: string) {
  await page.getByRole('combobox', { name: 'Model' }).click();
  await page.getByRole('option', { name: model }).click();
  await page
    .getByRole('combobox', { name: 'Model' })
    .and(page.locator(`[value="${model}"]`))
    .waitFor();
}

const thinkSwitch = (page: Page) => page.getByRole('switch', { name: 'Think' });
const meter = (page: Page) => page.getByRole('meter', { name: 'Context' });
/** The chat requests that carried this question (a title request is asked apart, thinking off). */
const chatsAsking = (question: string) =>
  world.ollama.requests
    .filter((request) => request.path === '/api/chat')
    .map((request) => request.body as { model: string; think?: unknown; messages: { content: string }[] })
    .filter((body) => body.messages.at(-1)?.content === question);

describe('the Think switch and the context meter', () => {
  it('turned off, sends think: false to Ollama, and the conversation keeps it off when reopened', async () => {
    const page = await openApp(world);
    await chooseModel(page, 'thinker');
    expect(await thinkSwitch(page).isChecked()).toBe(true);
    await thinkSwitch(page).uncheck();
    expect(await thinkSwitch(page).isChecked()).toBe(false);
    const question = 'Quick sum, no thinking';
    await send(page, question);
    await finished(lastAnswer(page));
    await waitFor(() => chatsAsking(question).length > 0, 'the chat reached the fake Ollama');
    expect(chatsAsking(question)).toMatchObject([{ model: 'thinker', think: false }]);

    // Away to a new chat (the default model, thinking on), then back from the sidebar.
    await page.getByRole('button', { name: 'New chat' }).first().click();
    // The only conversation of this file (its title may have become the model's by now).
    await sidebar(page).getByRole('listitem').getByRole('button').first().click();
    await page.getByRole('combobox', { name: 'Model' }).and(page.locator('[value="thinker"]')).waitFor();
    await thinkSwitch(page).waitFor();
    expect(await thinkSwitch(page).isChecked()).toBe(false);

    // And after a reload of the window.
    await page.reload();
    await page.getByRole('combobox', { name: 'Model' }).and(page.locator('[value="thinker"]')).waitFor();
    await thinkSwitch(page).waitFor();
    expect(await thinkSwitch(page).isChecked()).toBe(false);
  });

  it('is not offered for a model that does not think; the meter follows the draft', async () => {
    const page = await openApp(world);
    await chooseModel(page, 'llama3.2');
    await meter(page).waitFor();
    expect(await thinkSwitch(page).count()).toBe(0);
    // llama3.2 says 131,072 tokens; LightChat sends Ollama at most 32,768.
    expect(await meter(page).getAttribute('aria-valuetext')).toMatch(/^\d+ of 32,768 tokens$/);
    const empty = Number(await meter(page).getAttribute('aria-valuenow'));
    await page.getByRole('textbox', { name: 'Message' }).fill('a fairly long question '.repeat(200));
    await expect
      .poll(async () => Number(await meter(page).getAttribute('aria-valuenow')))
      .toBeGreaterThan(empty + 1000);
  });
});
