import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../fixtures/index.js';
import { openApp, problemsSeen, send } from './support/app-page.js';
import { openPage } from './support/browser.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

const settingsFile = () => readFile(world.app.settingsPath, 'utf8');
/** A hand edit, as an editor saves it. */
const handEdit = (change: (text: string) => string) =>
  settingsFile().then((text) => writeFile(world.app.settingsPath, change(text)));

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('textbox', { name: 'Name' }).first().waitFor();
  return dialog;
}

describe('the API token in the browser', () => {
  it('opens through the #token= link: the fragment leaves the address bar, and a reload still works', async () => {
    const page = await openApp(world);
    expect(page.url()).toBe(`${world.app.url}/`);
    expect(await page.evaluate(() => window.localStorage.getItem('lightchat.apiToken'))).toBe(
      world.app.token,
    );
    await send(page, 'hello with a token');
    await page.getByText('Answer number', { exact: false }).first().waitFor();
    await page.reload();
    await page.getByRole('combobox', { name: 'Provider' }).waitFor();
    await page.context().close();
  });

  it('a page opened without the token says how to get the link, and shows nothing else', async () => {
    const { page, context } = await openPage(world.browser, world.app.url);
    await page.getByRole('heading', { name: 'Open LightChat with its link' }).waitFor();
    expect(await page.getByText('npm exec lightchat token').count()).toBe(1);
    expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    await context.close();
  });
});

describe('settings and logs in the browser', () => {
  it('the Logs drawer shows recent entries, then a chat live as it is logged', async () => {
    const page = await openApp(world);
    await page.getByRole('button', { name: 'Logs' }).click();
    const drawer = page.getByRole('dialog', { name: 'Logs' });
    await drawer.getByText('LightChat started').first().waitFor();
    const answer = await fetch(`${world.app.url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${world.app.token}` },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'live log check 7731' }] }),
    });
    await answer.text();
    await drawer.getByText('live log check 7731', { exact: true }).waitFor();
    await drawer.getByText('Answer number', { exact: false }).first().waitFor();
    await drawer.getByRole('textbox', { name: 'Search logs' }).fill('7731');
    await page.waitForFunction(() => document.body.innerText.includes('LightChat started') === false);
  });

  it('the Logs drawer switches logging off for this run: a chat then reaches no log file', async () => {
    const page = await openApp(world);
    await page.getByRole('button', { name: 'Logs', exact: true }).click();
    const drawer = page.getByRole('dialog', { name: 'Logs' });
    const logging = drawer.getByRole('switch', { name: 'Write chat logs for this run' });
    await logging.waitFor();
    expect(await logging.isChecked()).toBe(true);
    await logging.click({ force: true });
    await drawer.getByText('Logging is off for this run').first().waitFor();
    const chat = (content: string) =>
      fetch(`${world.app.url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${world.app.token}` },
        body: JSON.stringify({ messages: [{ role: 'user', content }] }),
      }).then((answer) => answer.text());
    await chat('off the record 5521');
    await logging.click({ force: true });
    await drawer.getByText('Writing to').first().waitFor();
    await chat('on the record 5522');
    const logText = async () => {
      const names = (await readdir(world.app.logDir)).filter((name) => name.endsWith('.jsonl'));
      return (await Promise.all(names.map((name) => readFile(join(world.app.logDir, name), 'utf8')))).join(
        '',
      );
    };
    await expect.poll(logText, { timeout: HANG_MS }).toContain('on the record 5522');
    expect(await logText()).not.toContain('off the record 5521');
  });

  it('saves the form to settings.yaml, keeping its comments', async () => {
    const page = await openApp(world);
    const dialog = await openSettings(page);
    await dialog.getByRole('textbox', { name: 'Name' }).first().fill('Renamed Ollama');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Saved to settings.yaml.').waitFor();
    const text = await settingsFile();
    expect(text).toContain('name: Renamed Ollama');
    expect(text).toContain('# LightChat E2E settings. This comment must survive saves from the app.');
    expect(text).toContain('# the scripted fake Ollama');
    expect(text).not.toContain('sk-e2e-not-a-real-key\n  - id: sk'); // the key stays where it was
    expect(text).toContain('api_key: sk-e2e-not-a-real-key');
  });

  it('rejects invalid input with the server’s message on the field, and writes nothing', async () => {
    const page = await openApp(world);
    const before = await settingsFile();
    const dialog = await openSettings(page);
    await dialog.getByRole('textbox', { name: 'Host' }).first().fill('not a url');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText(/host must be an http:\/\/ or https:\/\/ URL/).waitFor();
    await dialog.getByText('Fix the highlighted fields, then save again.').waitFor();
    const host = dialog.getByRole('textbox', { name: 'Host' }).first();
    expect(await host.getAttribute('aria-invalid')).toBe('true');
    expect(await settingsFile()).toBe(before);
  });

  it('a hand edit of settings.yaml appears in the UI without a reload', async () => {
    const page = await openApp(world);
    await handEdit((text) => text.replace(/name: (Fake|Renamed) Ollama/, 'name: Hand Edited Ollama'));
    await page
      .getByRole('combobox', { name: 'Provider' })
      .and(page.locator('[value="Hand Edited Ollama"]'))
      .waitFor();
    const dialog = await openSettings(page);
    expect(await dialog.getByRole('textbox', { name: 'Name' }).first().inputValue()).toBe(
      'Hand Edited Ollama',
    );
  });

  it('a save that meets a hand edit reloads the form and says so, never overwriting it', async () => {
    const page = await openApp(world);
    const dialog = await openSettings(page);
    await dialog.getByRole('textbox', { name: 'Name' }).nth(1).fill('Edited in the app');
    await handEdit((text) => text.replace('name: Fake OpenAI', 'name: OpenAI edited by hand'));
    // The save must meet an edit the server has already seen (not race the watcher).
    const serverNames = async () => {
      const headers = { authorization: `Bearer ${world.app.token}` };
      const config = (await (await fetch(`${world.app.url}/config`, { headers })).json()) as {
        providers: { name: string }[];
      };
      return config.providers.map((provider) => provider.name);
    };
    await expect.poll(serverNames, { timeout: HANG_MS }).toContain('OpenAI edited by hand');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog
      .getByText(/changed (outside LightChat|on disk)/)
      .first()
      .waitFor();
    const text = await settingsFile();
    expect(text).toContain('name: OpenAI edited by hand');
    expect(text).not.toContain('Edited in the app');
  });

  it('an invalid settings.yaml shows a banner naming the line until it is fixed', async () => {
    const page = await openApp(world);
    const good = await settingsFile();
    await writeFile(world.app.settingsPath, `${good}\nlogging_enabled: [unclosed\n`);
    const banner = page.getByRole('alert').filter({ hasText: 'settings.yaml is invalid' });
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/line \d+/);
    await writeFile(world.app.settingsPath, good);
    await banner.waitFor({ state: 'detached' });
  });

  it('Settings creates a gateway key shown once, which the openai SDK can use until it is revoked', async () => {
    const page = await openApp(world);
    const dialog = await openSettings(page);
    await expect(dialog.getByRole('textbox', { name: 'Gateway base URL' }).inputValue()).resolves.toBe(
      `${world.app.url}/v1`,
    );
    await expect(dialog.getByLabel('Python snippet').textContent()).resolves.toContain(
      `base_url="${world.app.url}/v1"`,
    );
    await dialog.getByText('curl', { exact: true }).click();
    await expect(dialog.getByLabel('curl snippet').textContent()).resolves.toContain('fake_ollama/');

    await dialog.getByRole('textbox', { name: 'New key name' }).fill('my-editor');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const key = (await dialog.getByLabel('New gateway key').textContent()) ?? '';
    expect(key).toMatch(/^lcgw-/);
    const client = new OpenAI({ baseURL: `${world.app.url}/v1`, apiKey: key, maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.some((model) => model.id.startsWith('fake_ollama/'))).toBe(true);
    await dialog.getByRole('row', { name: /my-editor/ }).waitFor();

    // Shown once: a dialog opened again lists the key by name only.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    const again = await openSettings(page);
    await again.getByRole('row', { name: /my-editor/ }).waitFor();
    expect(await page.content()).not.toContain(key);

    await again.getByRole('button', { name: 'Revoke my-editor' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke this key?' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await again.getByRole('row', { name: /my-editor/ }).waitFor({ state: 'detached' });
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('blocked nothing by CSP and threw no page errors', () => {
    expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
  });
});
