import { buffer } from 'node:stream/consumers';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../fixtures/index.js';
import { answers, finished, lastAnswer, openApp, problemsSeen, send, sidebar } from './support/app-page.js';
import { rest, titledConversation } from './support/rest.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

/** A story of 1,200 tokens at 25 a second (world.ts): still streaming when the test stops it. */
const STORY = 'Tell me a long story';
/** A reload and a long answer on a loaded machine: this only stops a hung run. */
const RELOAD_HANG_MS = 120_000;

interface StoredMessage {
  role: string;
  content: string;
  status: string;
}

const item = (page: Page, title: string) => sidebar(page).getByRole('button', { name: title, exact: true });

async function storedBranch(conversationId: string): Promise<StoredMessage[]> {
  return (await rest<{ messages: StoredMessage[] }>(world.app, 'GET', `/conversations/${conversationId}`))
    .messages;
}

async function downloadedText(download: Download): Promise<string> {
  // Read through Playwright: the run's browser is shared over a connection, so the file has no local path.
  return (await buffer(await download.createReadStream())).toString('utf8');
}

describe('a reload during a stream', () => {
  it('re-attaches to the running answer, which keeps growing; Stop then stops it for good and Copy gives its text', {
    timeout: RELOAD_HANG_MS,
  }, async () => {
    const stored = await titledConversation(world.app, 'Story told across a reload', 'Say hello first');
    const page = await openApp(world);
    await item(page, 'Story told across a reload').click();
    const greeting = answers(page).first();
    await finished(greeting);

    await send(page, STORY);
    const story = lastAnswer(page);
    await story.getByText('once upon', { exact: false }).first().waitFor({ timeout: HANG_MS });
    // Copy on a finished answer while another streams: the clipboard holds exactly its stored text.
    const [greetingStored] = (await storedBranch(stored.conversation_id)).filter(
      (message) => message.role === 'assistant',
    );
    await greeting.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()), { timeout: HANG_MS })
      .toBe(greetingStored!.content);

    await page.reload();
    // The open conversation is shown again, its answer still streaming: the text grows after the reload.
    await expect(item(page, 'Story told across a reload').getAttribute('aria-current')).resolves.toBe('page');
    const again = lastAnswer(page);
    await again.getByText('once upon', { exact: false }).first().waitFor({ timeout: HANG_MS });
    const lengthAfterReload = (await again.textContent())?.length ?? 0;
    await expect
      .poll(async () => ((await again.textContent())?.length ?? 0) > lengthAfterReload, { timeout: HANG_MS })
      .toBe(true);
    const stop = page.getByRole('button', { name: 'Stop' });
    await stop.click();
    await again.getByText('stopped', { exact: true }).waitFor({ timeout: HANG_MS });

    // Stored as stopped, with what was shown; nothing more arrives after Stop.
    let answer: StoredMessage | undefined;
    await expect
      .poll(
        async () => {
          answer = (await storedBranch(stored.conversation_id)).at(-1);
          return answer?.status;
        },
        { timeout: HANG_MS },
      )
      .toBe('stopped');
    expect(answer!.content).toContain('once upon a time');
    expect(answer!.content.length).toBeLessThan('once upon a time '.repeat(300).length);
    await again.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()), { timeout: HANG_MS })
      .toBe(answer!.content);
  });
});

describe("a conversation's Export", () => {
  it('downloads it as Markdown and as LightChat JSON, named after its title', async () => {
    const stored = await titledConversation(world.app, 'Export me please', 'What is an export?');
    const page = await openApp(world);
    const exportAs = async (format: 'Markdown' | 'JSON') => {
      await sidebar(page).getByRole('button', { name: 'Actions for Export me please' }).click();
      const download = page.waitForEvent('download');
      await page.getByRole('menuitem', { name: `Export as ${format}` }).click();
      return download;
    };

    const markdown = await exportAs('Markdown');
    expect(markdown.suggestedFilename()).toBe('Export me please.md');
    const text = await downloadedText(markdown);
    expect(text).toContain('Export me please');
    expect(text).toContain('What is an export?');
    expect(text).toContain('Answer number');

    const json = await exportAs('JSON');
    expect(json.suggestedFilename()).toBe('Export me please.json');
    const exported = JSON.parse(await downloadedText(json)) as {
      format: string;
      conversations: { id: string; title: string }[];
    };
    expect(exported.format).toBe('lightchat.conversations');
    expect(exported.conversations.map((conversation) => [conversation.id, conversation.title])).toEqual([
      [stored.conversation_id, 'Export me please'],
    ]);
  });

  it('threw no page errors and CSP blocked nothing', () => {
    expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
  });
});
