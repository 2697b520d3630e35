import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { unzipSync } from 'fflate';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS, refusedUrl } from '../fixtures/index.js';
import { expected, IMPORTS_DIR } from '../unit/import/import-data.js';
import { answers, conversation, openApp, problemsSeen, questions, sidebar } from './support/app-page.js';
import { type AppServer, startApp } from './support/app-server.js';
import { rest } from './support/rest.js';
import { settingsYaml, startWorld, type World } from './support/world.js';

/** The real ChatGPT export of a whole account (shared/data/imports, read in place). */
const CHATGPT_EXPORT = 'chatgpt-nexus-full-2023.json';

let world: World;
/** Servers of their own for the history-off and damaged-file cases. */
const apps: AppServer[] = [];

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  for (const app of apps) await app.stop();
  await world?.close();
});

async function openSettings(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByText('History', { exact: true }).waitFor();
  return dialog;
}

async function closeSettings(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Settings' }).waitFor({ state: 'detached' });
}

/** Chooses a file for `Import…` (the browser's file chooser), by path or as bytes. */
async function importThrough(dialog: Locator, file: string | { name: string; text: string }): Promise<void> {
  const page = dialog.page();
  const chooser = page.waitForEvent('filechooser');
  await dialog.getByRole('button', { name: 'Import…' }).click();
  await (await chooser).setFiles(
    typeof file === 'string'
      ? file
      : { name: file.name, mimeType: 'application/json', buffer: Buffer.from(file.text) },
  );
}

/** A conversation's item in the list (not the `New chat` button above it). */
const item = (page: Page, title: string) =>
  sidebar(page).getByRole('list').getByRole('button', { name: title, exact: true });

async function otherApp(options: Omit<Parameters<typeof startApp>[0], 'settingsYaml'>): Promise<AppServer> {
  const app = await startApp({
    settingsYaml: settingsYaml({
      ollama: world.ollama.url,
      openai: world.openai.baseUrl,
      down: await refusedUrl(),
    }),
    ...options,
  });
  apps.push(app);
  return app;
}

describe('Settings → History', () => {
  it('Import… takes a real ChatGPT export: it shows the counts, then the conversations by title in the sidebar', async () => {
    const want = expected.chatgpt[CHATGPT_EXPORT]!;
    const importable = want.conversations.filter((conversation) => conversation.importable);
    const messages = importable.reduce(
      (sum, conversation) => sum + (conversation.all_branches_messages ?? 0),
      0,
    );
    const page = await openApp(world);
    const dialog = await openSettings(page);
    await importThrough(dialog, join(IMPORTS_DIR, CHATGPT_EXPORT));
    await dialog
      .getByRole('status')
      .getByText(`Imported ${importable.length} conversations (${messages} messages); skipped 0; failed 0.`)
      .waitFor({ timeout: HANG_MS * 3 });
    await closeSettings(page);
    // ChatGPT's own titles; all from 2023, so under Older.
    await sidebar(page).getByText('Older', { exact: true }).waitFor();
    for (const conversation of importable) await item(page, conversation.title).waitFor();
    // Opening one shows its messages.
    const first = importable.find((conversation) => conversation.title === 'Sauvegarde dans xigmaNAS')!;
    await item(page, first.title).click();
    // It opens on its latest messages (24 here; the page renders the last 20), and its first question
    // is above them.
    await answers(page).last().getByText(first.last_assistant_text!.slice(0, 12), { exact: false }).waitFor();
    // Scrolling up renders them (the button at the top does too: long-conversation.test.ts).
    await expect
      .poll(
        async () => {
          await conversation(page).evaluate((box) => {
            box.scrollTop = 0;
          });
          return questions(page).count();
        },
        { timeout: HANG_MS },
      )
      .toBe(first.current_branch_roles!.split('').filter((role) => role === 'u').length);
    await questions(page)
      .first()
      .getByText(first.first_user_text!.trim().slice(0, 30), { exact: false })
      .waitFor();

    // The same file again adds nothing.
    const again = await openSettings(page);
    await importThrough(again, join(IMPORTS_DIR, CHATGPT_EXPORT));
    await again
      .getByRole('status')
      .getByText(`Imported 0 conversations (0 messages); skipped ${importable.length}; failed 0.`)
      .waitFor({ timeout: HANG_MS * 3 });
  });

  it('a file in no known format shows the error, and nothing is imported', async () => {
    const before = await rest<{ items: unknown[] }>(world.app, 'GET', '/conversations?limit=200');
    const page = await openApp(world);
    const dialog = await openSettings(page);
    await importThrough(dialog, { name: 'notes.json', text: '{"hello": "not an export"}' });
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    await expect(alert.innerText()).resolves.toMatch(/format|export/i);
    const after = await rest<{ items: unknown[] }>(world.app, 'GET', '/conversations?limit=200');
    expect(after.items).toHaveLength(before.items.length);
  });

  it('Export all downloads all history as a ZIP holding every conversation', async () => {
    const page = await openApp(world);
    const dialog = await openSettings(page);
    const download = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export all' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.zip$/);
    // Read through Playwright: the run's browser is shared over a connection, so the file has no local path.
    const zip = unzipSync(new Uint8Array(await buffer(await file.createReadStream())));
    const json = JSON.parse(Buffer.from(zip['conversations.json']!).toString('utf8')) as {
      format: string;
      conversations: { title: string }[];
    };
    expect(json.format).toBe('lightchat.conversations');
    expect(json.conversations.map((conversation) => conversation.title)).toContain(
      'Sauvegarde dans xigmaNAS',
    );
  });

  it('Delete all history asks first and says it cannot be undone; then the list is empty', async () => {
    const page = await openApp(world);
    await item(page, 'Sauvegarde dans xigmaNAS').waitFor();
    const dialog = await openSettings(page);
    await dialog.getByRole('button', { name: 'Delete all history' }).click();
    const ask = page.getByRole('dialog', { name: 'Delete all history?' });
    await expect(ask.innerText()).resolves.toContain('cannot be undone');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'detached' });
    expect(
      (await rest<{ items: unknown[] }>(world.app, 'GET', '/conversations')).items.length,
    ).toBeGreaterThan(0);

    await dialog.getByRole('button', { name: 'Delete all history' }).click();
    await page
      .getByRole('dialog', { name: 'Delete all history?' })
      .getByRole('button', { name: 'Delete all' })
      .click();
    await dialog.getByRole('status').getByText('All history was deleted.').waitFor();
    expect((await rest<{ items: unknown[] }>(world.app, 'GET', '/conversations')).items).toEqual([]);
    await closeSettings(page);
    await sidebar(page).getByText('No conversations yet.').waitFor();
  });

  it('with history off, Settings and the sidebar say so, and offer no import', async () => {
    const app = await otherApp({ args: ['--no-history'] });
    const page = await openApp(world, { app });
    await sidebar(page).getByRole('status').getByText('History is off', { exact: false }).waitFor();
    const dialog = await openSettings(page);
    const note = dialog.getByRole('status').filter({ hasText: 'History is not available' });
    await expect(note.innerText()).resolves.toContain('History is off for this run');
    expect(await dialog.getByRole('button', { name: 'Import…' }).count()).toBe(0);
    expect(await dialog.getByRole('button', { name: 'Start a new history' }).count()).toBe(0);
  });

  it('a damaged history file is named with the reason; Start a new history keeps it aside and history works again', async () => {
    const garbage = 'this is not an SQLite database, but it is the user’s file\n';
    const app = await otherApp({
      prepareDataDir: (dataDir) => writeFile(join(dataDir, 'lightchat.db'), garbage, { mode: 0o600 }),
    });
    const page = await openApp(world, { app });
    await sidebar(page).getByRole('status').getByText('damaged', { exact: false }).waitFor();
    const dialog = await openSettings(page);
    const note = dialog.getByRole('status').filter({ hasText: 'History is not available' });
    await expect(note.innerText()).resolves.toContain('is damaged');
    await expect(note.innerText()).resolves.toContain(join(app.dataDir, 'lightchat.db'));
    await note.getByRole('button', { name: 'Start a new history' }).click();
    await dialog.getByRole('button', { name: 'Import…' }).waitFor();
    // The damaged file is kept under another name, unchanged.
    const kept = (await readdir(app.dataDir)).filter((name) => name.startsWith('lightchat.db.damaged-'));
    expect(kept).toHaveLength(1);
    await expect(readFile(join(app.dataDir, kept[0]!), 'utf8')).resolves.toBe(garbage);
    await closeSettings(page);
    await sidebar(page).getByText('No conversations yet.').waitFor();
  });

  it('threw no page errors and CSP blocked nothing', () => {
    expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
  });
});
