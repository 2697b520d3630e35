import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../fixtures/index.js';
import { mcpServerPackage } from '../fixtures/mcp-servers.js';
import { openApp, problemsSeen } from './support/app-page.js';
import { type AppServer, startApp } from './support/app-server.js';
import { axeFindings, blocking, summarise } from './support/axe.js';
import { rest } from './support/rest.js';
import { startWorld, type World } from './support/world.js';

/** A real MCP server starts in a few hundred ms; this only stops a hung one on a loaded machine. */
const SERVER_HANG_MS = 60_000;
const SECRET = 's3cret-e2e-value-4471';
/**
 * Each test starts real servers, saves and waits for them: 15–50 s on a loaded machine (60 s, the
 * e2e default, was hit once in a full run). This only stops a hung test.
 */
const TEST_HANG_MS = 300_000;

let world: World;
/** A server of its own: these tests write its settings.yaml. */
let app: AppServer;

beforeAll(async () => {
  world = await startWorld();
  app = await startApp({
    settingsYaml: `# Tools E2E settings. This comment must survive saves from the app.
default_provider: fake_ollama
providers:
  - id: fake_ollama   # the scripted fake Ollama
    type: ollama
    host: ${world.ollama.url}
`,
  });
});
afterAll(async () => {
  await app?.stop();
  await world?.close();
});

/** Claude Desktop's config, for the real server-everything and a server that fails at start. */
const CLAUDE_CONFIG = JSON.stringify(
  {
    mcpServers: {
      Everything: {
        command: process.execPath,
        args: [mcpServerPackage('@modelcontextprotocol/server-everything')],
        env: { SECRET_TOKEN: SECRET, lower_Case_Key: 'kept' },
      },
      Broken: {
        command: process.execPath,
        args: ['-e', "console.error('broken server: missing configuration'); process.exit(3)"],
      },
    },
  },
  null,
  2,
);

async function openSettings(): Promise<{ page: Page; dialog: Locator }> {
  const page = await openApp(world, { app });
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByText('Tools', { exact: true }).waitFor();
  return { page, dialog };
}

const card = (dialog: Locator, name: string) => dialog.getByRole('group', { name, exact: true });

async function save(dialog: Locator): Promise<void> {
  await dialog.getByRole('button', { name: 'Save' }).click();
  try {
    await dialog.getByText('Saved to settings.yaml.').waitFor();
  } catch (error) {
    // What the dialog said instead (a notice, "Not saved …") is what a failure needs to show.
    const shown = await dialog.innerText().catch(() => '(the dialog is gone)');
    throw new Error(`Save did not say "Saved to settings.yaml."; the dialog showed:\n${shown}`, {
      cause: error,
    });
  }
}

const settingsFile = () => readFile(app.settingsPath, 'utf8');

interface WireServer {
  server: string;
  status: string;
  tools: { name: string }[];
}
const toolsOf = (server: string) =>
  rest<WireServer[]>(app, 'GET', '/tools').then((list) => list.find((entry) => entry.server === server));

/** How many times server-everything became ready (the log says so each time). */
async function readyCount(): Promise<number> {
  const entries = await rest<{ content: string }[]>(app, 'GET', '/logs?limit=1000');
  return entries.filter((entry) => entry.content.startsWith('MCP server "everything" is ready')).length;
}

describe('Settings → Tools with real MCP servers', () => {
  it(
    'Paste JSON adds Claude Desktop servers: everything becomes ready with its tool count, broken shows its error and stderr',
    async () => {
      const { page, dialog } = await openSettings();
      await dialog.getByText('No MCP servers yet.').waitFor();
      await dialog.getByRole('button', { name: 'Paste JSON' }).click();
      const paste = page.getByRole('dialog', { name: 'Paste JSON' });
      await paste.getByRole('textbox', { name: 'MCP servers JSON' }).fill(CLAUDE_CONFIG);
      await paste.getByRole('button', { name: 'Add servers' }).click();
      await paste.waitFor({ state: 'detached' });
      await card(dialog, 'everything').getByText('Not saved yet').waitFor();
      await save(dialog);

      const everything = card(dialog, 'everything');
      await everything.getByText('Ready', { exact: true }).waitFor({ timeout: SERVER_HANG_MS });
      const tools = (await toolsOf('everything'))?.tools ?? [];
      expect(tools.length).toBeGreaterThan(1);
      await everything.getByText(`${tools.length} tools`, { exact: true }).waitFor();

      const broken = card(dialog, 'broken');
      await broken.getByText('Error', { exact: true }).waitFor({ timeout: SERVER_HANG_MS });
      await broken.getByRole('button', { name: 'Show stderr' }).click();
      await expect
        .poll(() => broken.getByLabel('stderr of broken').textContent(), { timeout: HANG_MS })
        .toContain('broken server: missing configuration');

      // settings.yaml: the user's comments kept, names reduced, env keys verbatim.
      const file = await settingsFile();
      expect(file).toContain('# Tools E2E settings. This comment must survive saves from the app.');
      expect(file).toContain('# the scripted fake Ollama');
      expect(file).toMatch(/^ {2}everything:$/m);
      expect(file).toMatch(/^ {2}broken:$/m);
      expect(file).toContain(`SECRET_TOKEN: ${SECRET}`);
      expect(file).toContain('lower_Case_Key: kept');

      // The secret is never sent back to the page: Edit shows the variable as set, its value empty.
      expect(await page.content()).not.toContain(SECRET);
      await everything.getByRole('button', { name: 'Edit' }).click();
      const editor = page.getByRole('dialog', { name: 'Edit server' });
      const value = editor.getByLabel('Environment variable 1 value');
      expect(await value.inputValue()).toBe('');
      expect(await value.getAttribute('placeholder')).toBe('set (leave empty to keep)');
      await editor.getByRole('button', { name: 'Cancel' }).click();
      await editor.waitFor({ state: 'detached' });

      // axe on the section as a user sees it: a ready server, an error with its stderr open, tools open.
      await everything.getByRole('button', { name: /Show tools/ }).click();
      // Checked before axe runs: axe-core's own eval is (rightly) refused by the page's CSP.
      expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
      const findings = await axeFindings(page);
      expect(blocking(findings), summarise(findings).join('; ')).toEqual([]);
    },
    TEST_HANG_MS,
  );

  it(
    'an approval and run_without_asking are saved; Restart starts the server again at once',
    async () => {
      const { dialog } = await openSettings();
      const everything = card(dialog, 'everything');
      await everything.getByText('Ready', { exact: true }).waitFor({ timeout: SERVER_HANG_MS });
      await everything.getByRole('button', { name: /Show tools/ }).click();
      await everything.getByRole('combobox', { name: 'Approval for echo' }).selectOption('always');
      await everything.getByRole('switch', { name: 'Run without asking' }).check();
      await save(dialog);
      expect(await settingsFile()).toMatch(/everything:[\s\S]*run_without_asking: true/);
      expect(await settingsFile()).toMatch(/always_allow:\s*\n\s+- echo|always_allow: \[ ?echo ?\]/);
      // An approval list applies without a restart (CONTRACT section 11).
      expect((await toolsOf('everything'))?.status).toBe('ready');

      const before = await readyCount();
      await everything.getByRole('button', { name: 'Restart' }).click();
      await expect.poll(readyCount, { timeout: SERVER_HANG_MS }).toBe(before + 1);
      await everything.getByText('Ready', { exact: true }).waitFor({ timeout: SERVER_HANG_MS });
    },
    TEST_HANG_MS,
  );

  it(
    'the Enabled switch turns a server off (disabled), Remove asks first, and settings.yaml follows',
    async () => {
      const { page, dialog } = await openSettings();
      const everything = card(dialog, 'everything');
      await everything.getByRole('switch', { name: 'Enabled' }).uncheck();
      await save(dialog);
      await everything.getByText('Disabled', { exact: true }).waitFor({ timeout: SERVER_HANG_MS });
      expect((await toolsOf('everything'))?.status).toBe('disabled');
      expect(await settingsFile()).toMatch(/everything:[\s\S]*enabled: false/);

      await card(dialog, 'broken').getByRole('button', { name: 'Remove' }).click();
      const ask = page.getByRole('dialog', { name: 'Remove this server?' });
      await ask.getByRole('button', { name: 'Remove' }).click();
      await ask.waitFor({ state: 'detached' });
      await save(dialog);
      expect(await settingsFile()).not.toMatch(/^ {2}broken:$/m);
      expect(await toolsOf('broken')).toBeUndefined();
      // The secret stayed in the file through every save from the app.
      expect(await settingsFile()).toContain(`SECRET_TOKEN: ${SECRET}`);
    },
    TEST_HANG_MS,
  );

  it('threw no page errors and CSP blocked nothing but axe-core’s eval', () => {
    const { csp, errors } = problemsSeen(world);
    expect(errors).toEqual([]);
    expect(csp.filter((line) => line !== 'script-src blocked eval')).toEqual([]);
  });
});
