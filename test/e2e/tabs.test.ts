import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answers, appReady, send } from './support/app-page.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

interface Tab {
  page: Page;
  /** WebSockets the tab opened. */
  webSockets: string[];
  /** EventSource requests the tab made (the old transport: one HTTP connection each). */
  eventSources: string[];
}

describe('several tabs of one browser', () => {
  it('four tabs stream at once with the log drawer open in one, and a fifth tab still chats', async () => {
    // One browser context: its tabs share the browser's six HTTP/1.1 connections to the server.
    const context = await world.browser.newContext({ viewport: { width: 1000, height: 700 } });
    const openTab = async (): Promise<Tab> => {
      const page = await context.newPage();
      const tab: Tab = { page, webSockets: [], eventSources: [] };
      page.on('websocket', (socket) => tab.webSockets.push(socket.url()));
      page.on('request', (request) => {
        if (request.resourceType() === 'eventsource') tab.eventSources.push(request.url());
      });
      await page.goto(world.app.link);
      await appReady(page);
      return tab;
    };
    try {
      const tabs: Tab[] = [];
      for (let i = 0; i < 4; i += 1) tabs.push(await openTab());
      await Promise.all(tabs.map((tab, index) => send(tab.page, `Tell me a tab story ${index}`)));
      // The log drawer (its own subscription, logs.tail) open in one of them.
      const first = tabs[0]!.page;
      await first.getByRole('button', { name: 'Logs', exact: true }).click();
      await first.getByRole('dialog', { name: 'Logs' }).waitFor();
      // All four answers are streaming at the same moment: each shows text and still has its Stop.
      for (const tab of tabs) {
        await answers(tab.page)
          .last()
          .getByText('a tale told in four tabs')
          .first()
          .waitFor({ timeout: 60_000 });
      }
      for (const tab of tabs)
        expect(await tab.page.getByRole('button', { name: 'Stop' }).isVisible()).toBe(true);

      // Meanwhile a fifth tab loads, starts a chat and gets its whole answer.
      const fifth = await openTab();
      await send(fifth.page, 'Hello from the fifth tab');
      await answers(fifth.page)
        .last()
        .getByText('Answer number', { exact: false })
        .waitFor({ timeout: 60_000 });
      await answers(fifth.page)
        .last()
        .getByRole('button', { name: 'Regenerate' })
        .waitFor({ timeout: 60_000 });
      for (const tab of tabs)
        expect(await tab.page.getByRole('button', { name: 'Stop' }).isVisible()).toBe(true);

      // Every subscription of a tab rides on its one WebSocket: no EventSource holds a connection.
      for (const tab of [...tabs, fifth]) {
        expect(tab.eventSources).toEqual([]);
        expect(tab.webSockets).toHaveLength(1);
      }

      // Each tab still streams, and its Stop (a mutation over HTTP) is answered too.
      for (const tab of tabs) {
        const answer = answers(tab.page).last();
        // A click event straight on the button: in the first tab the log drawer lies over it.
        await tab.page.getByRole('button', { name: 'Stop' }).dispatchEvent('click');
        await answer.getByText('stopped', { exact: true }).waitFor({ timeout: 60_000 });
        // textContent: blocks out of view (content-visibility: auto) are not in innerText.
        expect(await answer.textContent()).toContain('a tale told in four tabs');
      }
    } finally {
      await context.close();
    }
  }, 300_000);
});
