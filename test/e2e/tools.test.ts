import { mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatBehaviour, ChatRequestInfo, FakeToolCall } from '../../src/demo/chat-behaviour.js';
import { type FakeProviderServer, startFakeOllama, waitFor } from '../fixtures/index.js';
import { mcpServerPackage } from '../fixtures/mcp-servers.js';
import { type AppServer, startApp } from './support/app-server.js';
import { axeFindings, blocking, summarise } from './support/axe.js';
import { launchBrowser, openPage } from './support/browser.js';
import { rest } from './support/rest.js';

/**
 * The tool-call card and the Tools switch in Chromium, against the real server-filesystem (started
 * with `node` from node_modules) on a temp directory, and a fake Ollama whose model calls its tools.
 */

let browser: Browser;
let app: AppServer;
let ollama: FakeProviderServer;
let dir: string;
let context: BrowserContext | undefined;

/** What the model calls for a question, by its words; after the result it answers with it. */
function callFor(question: string): FakeToolCall | null {
  if (question.includes('write')) {
    return {
      name: 'write_file',
      arguments: { path: join(dir, 'intruder.txt'), content: 'should not exist' },
    };
  }
  if (question.includes('read'))
    return { name: 'read_text_file', arguments: { path: join(dir, 'notes.txt') } };
  if (question.includes('list')) return { name: 'list_directory', arguments: { path: dir } };
  return null;
}

function behaviour(request: ChatRequestInfo): ChatBehaviour {
  const lastUser = request.messages.findLastIndex((message) => message.role === 'user');
  const question = request.messages[lastUser]?.content ?? '';
  const result = request.messages.slice(lastUser + 1).findLast((message) => message.role === 'tool');
  if (result) return { text: `The tool said: ${result.content}`, tokensPerSecond: 300 };
  // A request that offers no tools (the switch off, a title) gets no call.
  const call = request.body.tools === undefined ? null : callFor(question);
  return call ? { text: '', toolCalls: [call] } : { text: `Plain answer to: ${question}` };
}

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'lightchat-e2e-tools-')));
  await writeFile(join(dir, 'notes.txt'), 'remember the milk');
  [ollama, browser] = await Promise.all([
    startFakeOllama({ includeDemoModel: false, models: [{ name: 'llama3.2', tools: true }], behaviour }),
    launchBrowser(),
  ]);
  app = await startApp({
    settingsYaml: `# tools e2e: keep this comment
default_provider: fake_ollama
providers:
  - id: fake_ollama
    type: ollama
    host: ${ollama.url}
mcp_servers:
  files:
    command: ${JSON.stringify(process.execPath)}
    args: ${JSON.stringify([mcpServerPackage('@modelcontextprotocol/server-filesystem'), dir])}
`,
  });
  // The server starts in the background: a chat is offered its tools once it is ready.
  await waitFor(async () => {
    const servers = await rest<{ server: string; status: string }[]>(app, 'GET', '/tools');
    return servers.some((server) => server.status === 'ready');
  }, 'server-filesystem is ready');
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await ollama?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(): Promise<Page> {
  await context?.close();
  const opened = await openPage(browser, app.link);
  context = opened.context;
  await opened.page.getByRole('switch', { name: 'Tools' }).waitFor();
  return opened.page;
}

const lastAnswer = (page: Page) =>
  page
    .getByRole('region', { name: 'Conversation' })
    .getByRole('article', { name: 'Assistant message' })
    .last();
const card = (answer: Locator, tool: string) =>
  answer.getByRole('region', { name: `Tool call: files · ${tool}` });

/** A whole tool round can take a few seconds on a loaded machine: this only stops a hung one. */
const ROUND_HANG_MS = 45_000;

async function send(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

/** The answer has finished when its Regenerate button shows. */
const finished = (answer: Locator) =>
  answer.getByRole('button', { name: 'Regenerate' }).waitFor({ timeout: ROUND_HANG_MS });

// A tool round on a loaded 2-core machine takes tens of seconds: this only stops a hung test.
describe('tool calls in the browser', { timeout: 180_000 }, () => {
  it('the model lists the directory, the user approves, and the answer uses the listing', async () => {
    const page = await open();
    await expect(page.getByRole('switch', { name: 'Tools' }).isChecked()).resolves.toBe(true);
    await send(page, 'Please list my notes folder');
    const listing = card(lastAnswer(page), 'list_directory');
    await listing.getByRole('button', { name: 'Approve' }).waitFor({ timeout: ROUND_HANG_MS });
    await expect(listing.getByText('Waiting for approval').isVisible()).resolves.toBe(true);
    await expect(listing.locator('pre').first().textContent()).resolves.toContain(JSON.stringify(dir));
    await page
      .getByRole('status', { name: 'Answer status' })
      .getByText(/tool call needs your approval/)
      .waitFor();

    // axe on a waiting card: no serious or critical finding.
    const findings = blocking(await axeFindings(page));
    expect(summarise(findings), JSON.stringify(findings, null, 2)).toEqual([]);

    await listing.getByRole('button', { name: 'Approve' }).click();
    await finished(lastAnswer(page));
    await lastAnswer(page)
      .getByText(/The tool said: .*\[FILE\] notes\.txt/)
      .waitFor();
    await expect(listing.getByText('Approved').isVisible()).resolves.toBe(true);
    const result = listing.getByRole('button', { name: /^Result \(/ });
    await expect(result.getAttribute('aria-expanded')).resolves.toBe('false');
    await result.click();
    await listing.getByText('[FILE] notes.txt').waitFor();
  });

  it('Deny on a write leaves the directory untouched, and the model is told', async () => {
    const page = await open();
    const before = await readdir(dir);
    await send(page, 'Please write a file');
    const writing = card(lastAnswer(page), 'write_file');
    await writing.getByRole('button', { name: 'Deny' }).click({ timeout: ROUND_HANG_MS });
    await finished(lastAnswer(page));
    await lastAnswer(page)
      .getByText(/The tool said: The user denied this tool call/)
      .waitFor();
    await expect(writing.getByText('Denied').isVisible()).resolves.toBe(true);
    expect(await readdir(dir)).toEqual(before);
  });

  it('approves by keyboard alone, with the focus visible on the button', async () => {
    const page = await open();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.focus();
    await page.keyboard.type('Please read my notes');
    await page.keyboard.press('Enter');
    const reading = card(lastAnswer(page), 'read_text_file');
    await reading.getByRole('button', { name: 'Approve' }).waitFor({ timeout: ROUND_HANG_MS });
    // From the message box, back through the page until the focus is on Approve.
    const approve = reading.getByRole('button', { name: 'Approve' });
    let onApprove = false;
    for (let presses = 0; presses < 30 && !onApprove; presses++) {
      await page.keyboard.press('Shift+Tab');
      onApprove = await approve.evaluate((button) => button === document.activeElement);
    }
    expect(onApprove).toBe(true);
    const focusVisible = await page.evaluate(() => {
      const focused = document.activeElement as HTMLElement;
      const style = getComputedStyle(focused);
      return (
        focused.matches(':focus-visible') && style.outlineStyle !== 'none' && style.outlineWidth !== '0px'
      );
    });
    expect(focusVisible).toBe(true);
    await page.keyboard.press('Enter');
    await finished(lastAnswer(page));
    await lastAnswer(page)
      .getByText(/The tool said: remember the milk/)
      .waitFor();
  });

  it('Always allow writes always_allow into settings.yaml, and the next call runs unasked', async () => {
    const page = await open();
    await send(page, 'Please list the folder again');
    const first = card(lastAnswer(page), 'list_directory');
    await first.getByRole('button', { name: 'Always allow' }).click({ timeout: ROUND_HANG_MS });
    await finished(lastAnswer(page));
    const settings = await readFile(app.settingsPath, 'utf8');
    expect(settings).toContain('# tools e2e: keep this comment');
    expect(settings).toMatch(/always_allow:[\s\S]*list_directory/);

    await send(page, 'Please list it once more');
    const second = card(lastAnswer(page), 'list_directory');
    await finished(lastAnswer(page));
    await expect(second.getByText('Ran automatically').isVisible()).resolves.toBe(true);
    await expect(second.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
  });

  it('with the Tools switch off, the model is offered no tools', async () => {
    const page = await open();
    await page.getByRole('switch', { name: 'Tools' }).click();
    await send(page, 'Just talk, no tools');
    await finished(lastAnswer(page));
    await lastAnswer(page).getByText('Plain answer to: Just talk, no tools').waitFor();
    const asked = ollama.requests
      .filter((entry) => entry.path === '/api/chat' && JSON.stringify(entry.body).includes('Just talk'))
      .map((entry) => entry.body as Record<string, unknown>);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((body) => body.tools === undefined)).toBe(true);
  });
});
