import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
} from '../../src/adapters/api/content-security-policy.js';
import { HANG_MS, waitFor } from '../fixtures/index.js';
import {
  ANSWER_HANG_MS,
  answers,
  conversation,
  finished,
  lastAnswer,
  openApp,
  problemsSeen,
  questions,
  send,
  sidebar,
} from './support/app-page.js';
import { screenshot } from './support/browser.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

/** The colour of the first highlighted `const` in an answer's code, and of the answer's text. */
const keywordColours = (answer: Locator) =>
  answer.evaluate((article) => {
    const keyword = [...article.querySelectorAll('[data-streamdown="code-block"] code span span')].find(
      (span) => span.textContent?.includes('const'),
    );
    return keyword ? { token: getComputedStyle(keyword).color, text: getComputedStyle(article).color } : null;
  });

/** How many times the story was told so far in `text`. */
const storyLength = (text: string) => text.match(/once upon/g)?.length ?? 0;

async function choose(page: Page, name: 'Provider' | 'Model', option: string) {
  await page.getByRole('combobox', { name }).click();
  await page.getByRole('option', { name: option }).click();
}

/**
 * New chat was pressed on a chat that is not stored: Cancel in the question keeps the chat, and
 * New chat again then Discard empties the page.
 */
async function cancelThenDiscard(page: Page) {
  await page
    .getByRole('dialog', { name: 'Start a new chat?' })
    .getByRole('button', { name: 'Cancel' })
    .click();
  expect(await answers(page).count()).toBe(1);
  await page.getByRole('button', { name: 'New chat' }).click();
  await page
    .getByRole('dialog', { name: 'Start a new chat?' })
    .getByRole('button', { name: 'Discard' })
    .click();
  await page.waitForFunction(() => document.querySelectorAll('article').length === 0);
}

describe('chatting in the browser', () => {
  it('streams tokens progressively, then shows the Markdown table, a highlighted code block and the stats', async () => {
    const page = await openApp(world);
    // The page counts the answer's renders itself: polling from here would see fewer when loaded.
    await page.evaluate(() => {
      const lengths = new Set<number>();
      (window as unknown as { answerLengths: Set<number> }).answerLengths = lengths;
      const box = document.querySelector('[aria-label="Conversation"]')!;
      new MutationObserver(() => {
        const last = [...box.querySelectorAll('article[aria-label="Assistant message"]')].at(-1);
        if (last) lengths.add(last.textContent?.length ?? 0);
      }).observe(box, { childList: true, subtree: true, characterData: true });
    });
    await send(page, 'Show me some markdown');
    const answer = lastAnswer(page);
    await finished(answer);
    const renders = await page.evaluate(
      () => (window as unknown as { answerLengths: Set<number> }).answerLengths.size,
    );
    expect(renders).toBeGreaterThanOrEqual(4);
    await expect(answer.locator('table').innerText()).resolves.toMatch(/TypeScript\s+static/);
    // Polled: the highlighter may still replace the code block's spans after the answer has ended.
    await expect
      .poll(
        async () => {
          const colours = await keywordColours(answer);
          return colours !== null && colours.token !== colours.text;
        },
        { timeout: HANG_MS },
      )
      .toBe(true);
    await expect(answer.innerText()).resolves.toMatch(/tokens\/s/);
    await expect(answer.innerText()).resolves.toMatch(/TTFT \d+/);
    await expect(answer.innerText()).resolves.toContain('llama3.2');
    await page.getByRole('textbox', { name: 'Message' }).focus();
    await screenshot(page, 'lightchat-light');
  });

  it('Stop mid-stream keeps the partial text, marks it stopped and aborts the provider request', async () => {
    const page = await openApp(world);
    const abortedBefore = world.ollama.stats.aborted;
    await send(page, 'Tell me a long story');
    const answer = lastAnswer(page);
    await answer.getByText('once upon a time once upon').waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await answer.getByText('stopped', { exact: true }).waitFor();
    const stopped = answers(page).first();
    await finished(stopped);
    // textContent: once scrolled off screen (content-visibility: auto), its text leaves innerText.
    const kept = storyLength((await stopped.textContent()) ?? '');
    expect(kept).toBeGreaterThan(0);
    await waitFor(() => world.ollama.stats.aborted > abortedBefore, 'the fake saw the abort');
    // The composer is back: Send again, no Stop.
    expect(await page.getByRole('button', { name: 'Send' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    // A whole answer after it: a late token of the stopped one would have shown by now.
    await send(page, 'Say something after the stop');
    await finished(lastAnswer(page));
    expect(storyLength((await stopped.textContent()) ?? '')).toBe(kept);
  });

  it('follows the stream, and offers Jump to latest once the user scrolls up', async () => {
    const page = await openApp(world);
    for (const question of ['markdown at once, one', 'markdown at once, two']) {
      await send(page, `Show me ${question}`);
      await finished(lastAnswer(page));
    }
    await send(page, 'Tell me a long story for scrolling');
    await lastAnswer(page).getByText('once upon a time once upon').waitFor();
    const atBottom = () =>
      conversation(page).evaluate((box) => box.scrollHeight - box.scrollTop - box.clientHeight < 60);
    // The view follows the stream (it scrolls after each paint: wait for it, a loaded machine paints late).
    await expect.poll(atBottom, { timeout: HANG_MS }).toBe(true);
    await conversation(page).hover();
    await page.mouse.wheel(0, -600);
    const jump = page.getByRole('button', { name: 'Jump to latest' });
    await jump.waitFor();
    // The story goes on below (five more tellings), and the view stays where the user put it.
    const told = storyLength(await lastAnswer(page).innerText());
    await expect
      .poll(async () => storyLength(await lastAnswer(page).innerText()), { timeout: HANG_MS })
      .toBeGreaterThan(told + 5);
    expect(await atBottom()).toBe(false);
    await jump.click();
    await expect.poll(atBottom, { timeout: HANG_MS }).toBe(true);
    await page.getByRole('button', { name: 'Stop' }).click();
  });

  it('keyboard: Shift+Enter adds a line, Enter sends, Esc stops', async () => {
    const page = await openApp(world);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.click();
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    expect(await box.inputValue()).toBe('line one\nline two');
    await page.keyboard.press('Enter');
    // Polled: the row is there before its text is (one read right after Enter once saw it empty).
    await expect
      .poll(() => questions(page).last().innerText(), { timeout: HANG_MS })
      .toContain('line one\nline two');
    await finished(lastAnswer(page));
    expect(await box.inputValue()).toBe('');

    const abortedBefore = world.ollama.stats.aborted;
    await box.fill('Another long story please');
    await page.keyboard.press('Enter');
    await lastAnswer(page).getByText('once upon a time once upon').waitFor();
    await page.keyboard.press('Escape');
    await lastAnswer(page).getByText('stopped', { exact: true }).waitFor();
    await waitFor(() => world.ollama.stats.aborted > abortedBefore, 'the fake saw the abort');
  });

  it('shows a reasoning model’s thinking apart from the answer, folded', async () => {
    const page = await openApp(world);
    await choose(page, 'Model', 'thinker');
    await send(page, 'What is two plus two?');
    const answer = lastAnswer(page);
    await finished(answer);
    const toggle = answer.getByRole('button', { name: 'Thinking' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await expect(answer.innerText()).resolves.toContain('The answer is 4.');
    await toggle.click();
    await answer.getByText('First I add two and two.').waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  });

  it('chooses another provider and model; the answer comes from there', async () => {
    const page = await openApp(world);
    const before = world.openai.stats.completed;
    await choose(page, 'Provider', 'Fake OpenAI');
    await page.getByRole('combobox', { name: 'Model' }).and(page.locator('[value="gpt-4o-mini"]')).waitFor();
    await send(page, 'Hello OpenAI');
    const answer = lastAnswer(page);
    await finished(answer);
    await expect(answer.innerText()).resolves.toContain('gpt-4o-mini');
    // (An automatic title may be asked of the same model afterwards.)
    expect(world.openai.stats.completed).toBeGreaterThan(before);
  });

  it('regenerate asks again with the same history and replaces the answer', async () => {
    const page = await openApp(world);
    await send(page, 'Say something');
    await finished(lastAnswer(page));
    const numberOf = async () => /Answer number (\d+)/.exec(await lastAnswer(page).innerText())?.[1];
    const first = await numberOf();
    await lastAnswer(page).getByRole('button', { name: 'Regenerate' }).click();
    await finished(lastAnswer(page));
    // The new answer, not the old one and not the empty one still on its way.
    const renumbered = async () => {
      const number = await numberOf();
      return number !== undefined && number !== first;
    };
    await expect.poll(renumbered, { timeout: HANG_MS }).toBe(true);
    expect(await answers(page).count()).toBe(1);
    await expect(lastAnswer(page).innerText()).resolves.toMatch(/Answer number \d+ to: Say something/);
    const request = world.ollama.requests.filter((entry) => entry.path === '/api/chat').at(-1)!;
    expect((request.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'Say something' },
    ]);
  });

  it('edit and resend forks the conversation from the edited message', async () => {
    const page = await openApp(world);
    await send(page, 'First question');
    await finished(lastAnswer(page));
    await send(page, 'Second question');
    await finished(lastAnswer(page));
    const firstQuestion = questions(page).first();
    await firstQuestion.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Edit message' }).fill('Edited question');
    await page.getByRole('button', { name: 'Resend' }).click();
    await finished(lastAnswer(page));
    expect(await questions(page).count()).toBe(1);
    await expect(questions(page).first().innerText()).resolves.toContain('Edited question');
    await expect(lastAnswer(page).innerText()).resolves.toContain('to: Edited question');
  });

  it('shows a provider error inline with Retry, and Retry answers', async () => {
    const page = await openApp(world);
    await send(page, 'A flaky question');
    const answer = lastAnswer(page);
    const alert = answer.getByRole('alert');
    await alert.waitFor({ timeout: ANSWER_HANG_MS });
    const message = await alert.innerText();
    expect(message).not.toMatch(/\[object Object\]|at .*\.js:\d+/);
    expect(message.length).toBeGreaterThan(10);
    await answer.getByRole('button', { name: 'Retry' }).click();
    // The failed answer's own Retry button may still be there for a moment: wait for the new text.
    await expect
      .poll(() => lastAnswer(page).innerText(), { timeout: ANSWER_HANG_MS })
      .toContain('to: A flaky question');
    await finished(lastAnswer(page));
  });

  it('a provider that is down gets a clear message, not a stack', async () => {
    const page = await openApp(world);
    await choose(page, 'Provider', 'Ollama (down)');
    const alert = page.getByRole('alert').first();
    await alert.waitFor({ timeout: ANSWER_HANG_MS });
    const text = await alert.innerText();
    expect(text).toMatch(/not reachable|not running|ollama serve/i);
    expect(text).not.toMatch(/\[object Object\]|ECONNREFUSED\s+at /);
  });

  it('the session system prompt reaches the provider', async () => {
    const page = await openApp(world);
    await page.getByRole('button', { name: 'Edit system prompt' }).click();
    await page.getByRole('textbox', { name: 'System prompt' }).fill('Talk like a pirate.');
    await send(page, 'What is your system prompt?');
    await finished(lastAnswer(page));
    await expect(lastAnswer(page).innerText()).resolves.toContain(
      'The system prompt I received: Talk like a pirate.',
    );
  });

  it('the conversation survives a reload; New chat (Ctrl+Shift+O) keeps a stored one in the sidebar, and asks before discarding one that is not', async () => {
    const page = await openApp(world);
    await send(page, 'Remember me');
    await finished(lastAnswer(page));
    await page.reload();
    await conversation(page).getByText('Remember me', { exact: true }).waitFor();
    // A server that stores the chats of the page keeps this one (CONTRACT section 10).
    const headers = { authorization: `Bearer ${world.app.token}` };
    const newest = (await (await fetch(`${world.app.url}/conversations?limit=1`, { headers })).json())
      .items[0];
    const branch = newest
      ? await (await fetch(`${world.app.url}/conversations/${newest.id}`, { headers })).json()
      : { messages: [] };
    const stored = branch.messages.some((message: { content: string }) => message.content === 'Remember me');
    await page.keyboard.press('Control+Shift+O');
    if (stored) {
      await page.waitForFunction(() => document.querySelectorAll('article').length === 0);
      // The newest conversation is on top (its title may have been replaced by an automatic one).
      const item = sidebar(page)
        .getByRole('listitem')
        .filter({ has: page.getByRole('button') })
        .first();
      await item.getByRole('button').first().click();
      await conversation(page).getByText('Remember me', { exact: true }).waitFor();
      return;
    }
    await cancelThenDiscard(page);
  });

  it('a Temporary chat is never listed, and New chat asks before discarding it', async () => {
    const page = await openApp(world);
    await sidebar(page).getByRole('switch', { name: 'Temporary chat' }).check();
    await sidebar(page).getByText('This chat is not saved to history.').waitFor();
    await send(page, 'Forget me soon');
    await finished(lastAnswer(page));
    await page.reload();
    await conversation(page).getByText('Forget me soon', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'New chat' }).click();
    await cancelThenDiscard(page);
    expect(await sidebar(page).getByRole('button', { name: 'Forget me soon', exact: true }).count()).toBe(0);
    const stored = await fetch(`${world.app.url}/search?q=${encodeURIComponent('Forget me soon')}`, {
      headers: { authorization: `Bearer ${world.app.token}` },
    });
    expect((await stored.json()).items).toEqual([]);
  });

  it('switches to dark mode and keeps the highlighted answer readable', async () => {
    const page = await openApp(world);
    await send(page, 'Show me some markdown again');
    await finished(lastAnswer(page));
    const toggle = page.getByRole('button', { name: /^Color scheme/ });
    expect(await toggle.getAttribute('aria-label')).toBe('Color scheme: follows the system');
    await toggle.click();
    await toggle.click();
    expect(await toggle.getAttribute('aria-label')).toBe('Color scheme: dark');
    await page.waitForFunction(() => document.documentElement.dataset.mantineColorScheme === 'dark');
    await expect
      .poll(async () => (await keywordColours(lastAnswer(page)))?.token, { timeout: HANG_MS })
      .toBe('rgb(255, 123, 114)'); // github-dark-default's keyword colour
    await page.getByRole('textbox', { name: 'Message' }).focus();
    await screenshot(page, 'lightchat-dark');
  });

  it('shows raw HTML from a model as text, and asks before opening a link whose text hides its URL', async () => {
    const page = await openApp(world);
    const scriptDialogs: string[] = [];
    page.on('dialog', (dialog) => {
      scriptDialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const popups: string[] = [];
    page.context().on('page', (popup) => popups.push(popup.url()));
    await send(page, 'Give me a hostile answer');
    const answer = lastAnswer(page);
    await finished(answer);
    const text = await answer.innerText();
    expect(text).toContain('<img src=x onerror=alert(1)>');
    expect(text).toContain('<b>bold</b>');
    expect(text).toContain('<script>alert(2)</script>');
    expect(await answer.locator('img, b, script').count()).toBe(0);

    const bank = answer.getByRole('link', { name: 'your bank' });
    expect(await bank.getAttribute('title')).toBe('https://bank.example/login');
    expect(await answer.getByRole('link', { name: 'https://ollama.com/library' }).getAttribute('title')).toBe(
      'https://ollama.com/library',
    );
    await bank.click();
    const confirm = page.getByRole('dialog', { name: 'Open this link?' });
    await expect(confirm.innerText()).resolves.toContain('https://bank.example/login');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(popups).toEqual([]);
    expect(scriptDialogs).toEqual([]);
  });

  it('sends one Content-Security-Policy: the header and the built page carry the same constant, with no eval', async () => {
    const response = await fetch(world.app.url);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const page = await openApp(world);
    const meta = await page.evaluate(() => {
      const tag = document.querySelector<HTMLMetaElement>('meta[http-equiv="Content-Security-Policy"]');
      const script = document.querySelector('script');
      return {
        content: tag?.content,
        beforeScripts: tag !== null && script !== null && (tag.compareDocumentPosition(script) & 4) !== 0,
      };
    });
    expect(meta).toEqual({ content: META_CONTENT_SECURITY_POLICY, beforeScripts: true });
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/eval/);
  });

  it('the Content-Security-Policy blocked nothing and no page threw', () => {
    expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
  });
});
