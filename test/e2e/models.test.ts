import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../fixtures/index.js';
import { openApp, problemsSeen } from './support/app-page.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
  expect(problemsSeen(world).errors).toEqual([]);
});

async function openModels(): Promise<Page> {
  const page = await openApp(world);
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await page.getByRole('table', { name: 'Installed models' }).waitFor();
  return page;
}

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Models' });
const row = (page: Page, model: string) => dialog(page).getByRole('row', { name: model, exact: true });

async function pull(page: Page, model: string) {
  await dialog(page).getByRole('textbox', { name: 'Model name' }).fill(model);
  await dialog(page).getByRole('button', { name: 'Pull' }).click();
}

describe('the Models dialog', () => {
  it('lists the installed models with size, quantization, context length, capabilities and loaded state', async () => {
    const page = await openModels();
    const llama = row(page, 'llama3.2');
    await expect
      .poll(() => llama.innerText(), { timeout: HANG_MS })
      .toMatch(/llama3\.2\s+loaded\s+2\.0 GB\s+llama\s+Q4_K_M\s+131,072/i);
    await expect.poll(() => row(page, 'thinker').getByLabel('Capabilities').textContent()).toBe('thinking');
  });

  it('pulls a model with one progress bar, then lists it; Cancel stops another pull', async () => {
    const page = await openModels();
    await pull(page, 'gemma3');
    await dialog(page).getByText('Pulled gemma3.').waitFor({ timeout: HANG_MS });
    expect(
      await dialog(page).getByRole('progressbar', { name: 'Pulling gemma3' }).getAttribute('aria-valuenow'),
    ).toBe('100');
    await row(page, 'gemma3').waitFor({ timeout: HANG_MS });
    expect(await row(page, 'gemma3').getByLabel('Capabilities').textContent()).toBe('vision');

    await pull(page, 'slowpoke');
    await dialog(page).getByRole('progressbar', { name: 'Pulling slowpoke' }).waitFor();
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    await dialog(page).getByText('Pull of slowpoke cancelled.').waitFor({ timeout: HANG_MS });
    expect(await row(page, 'slowpoke').count()).toBe(0);
  });

  it('says why a pull failed', async () => {
    const page = await openModels();
    await pull(page, 'no-such-model');
    const alert = dialog(page).getByRole('alert').filter({ hasText: 'The pull failed' });
    await alert.waitFor({ timeout: HANG_MS });
    expect(await alert.innerText()).toMatch(/file does not exist/);
  });

  it('asks before Delete, and unloads a loaded model', async () => {
    const page = await openModels();
    await pull(page, 'gemma3');
    await row(page, 'gemma3').waitFor({ timeout: HANG_MS });
    await dialog(page).getByRole('button', { name: 'Delete gemma3' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this model?' });
    await confirm.getByRole('button', { name: 'Keep' }).click();
    expect(await row(page, 'gemma3').count()).toBe(1);
    await dialog(page).getByRole('button', { name: 'Delete gemma3' }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await row(page, 'gemma3').waitFor({ state: 'detached', timeout: HANG_MS });

    await dialog(page).getByRole('button', { name: 'Unload llama3.2' }).click();
    await row(page, 'llama3.2').getByText('loaded').waitFor({ state: 'detached', timeout: HANG_MS });
    expect(world.ollama.requests.some((request) => request.path === '/api/generate')).toBe(true);
  });
});
