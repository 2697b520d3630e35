import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS, waitFor } from '../fixtures/index.js';
import {
  answers,
  conversation,
  openApp,
  problemsSeen,
  questions,
  sidebar,
  topInView,
} from './support/app-page.js';
import { chatInto, rest, titledConversation } from './support/rest.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

interface StoredMessage {
  id: string;
  role: string;
  content: string;
  status: string;
  sibling_ids: string[];
}
const branch = async (id: string, through?: string) =>
  (
    await rest<{ messages: StoredMessage[] }>(
      world.app,
      'GET',
      `/conversations/${id}${through ? `?through=${through}` : ''}`,
    )
  ).messages;

describe('Search conversations', () => {
  it('finds a CJK word and opens the conversation at that message, highlighted and in view', async () => {
    const first = await titledConversation(world.app, 'Travel notes');
    const id = first.conversation_id;
    await chatInto(world.app, { conversation_id: id, prompt: '旅行の挨拶は你好世界でした' });
    // Enough after it that the message is out of view when the conversation opens at its end.
    for (let turn = 0; turn < 8; turn += 1) {
      await chatInto(world.app, {
        conversation_id: id,
        prompt: `Filler question ${turn}\n\n${'More text. '.repeat(40)}`,
      });
    }
    const expected = await rest<{ items: { message_id: string; role: string }[] }>(
      world.app,
      'GET',
      `/search?q=${encodeURIComponent('好世界')}&limit=20`,
    );
    const target = expected.items[0]!;

    const page = await openApp(world);
    await page.getByRole('textbox', { name: 'Message' }).click();
    await page.keyboard.press('Control+k');
    const search = sidebar(page).getByRole('searchbox', { name: 'Search conversations' });
    await expect(search.evaluate((box) => box === document.activeElement)).resolves.toBe(true);
    await search.fill('好世界');
    const results = sidebar(page).getByRole('group', { name: 'Search results' });
    const firstResult = results.getByRole('button').first();
    await firstResult.waitFor();
    await expect(firstResult.innerText()).resolves.toContain('Travel notes');
    await expect(firstResult.locator('mark').first().innerText()).resolves.toBe('好世界');

    await search.press('Enter');
    const highlighted = conversation(page).locator(`[data-message-id="${target.message_id}"]`);
    await highlighted.waitFor();
    await expect.poll(() => highlighted.getAttribute('data-highlighted'), { timeout: HANG_MS }).toBe('true');
    // The text, not innerText: a finished message off its first frame can be skipped by content-visibility.
    await highlighted.getByText('你好世界', { exact: false }).first().waitFor();
    await expect(highlighted.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
    await expect.poll(() => topInView(highlighted), { timeout: HANG_MS }).toBe(true);
  });

  it('says "No results" when nothing matches, and never renders a message’s HTML', async () => {
    await chatInto(world.app, {
      conversation_id: 'new',
      prompt: 'Markup <b>bold</b> <img src=x onerror=alert(1)>',
    });
    const page = await openApp(world);
    const search = sidebar(page).getByRole('searchbox', { name: 'Search conversations' });
    await search.fill('qqqzzz nothing here');
    await sidebar(page).getByText('No results', { exact: true }).waitFor();
    await search.fill('<b>bold');
    const result = sidebar(page).getByRole('group', { name: 'Search results' }).getByRole('button').first();
    await result.waitFor();
    await expect(result.innerText()).resolves.toContain('<b>bold');
    expect(await sidebar(page).locator('img, b').count()).toBe(0);
  });
});

describe('versions, deleting messages, and answers that did not finish', () => {
  it('a conversation with 3 versions of an answer navigates between them, and what follows changes with the version', async () => {
    const first = await titledConversation(world.app, 'Give me versions');
    const id = first.conversation_id;
    const second = await chatInto(world.app, {
      conversation_id: id,
      regenerate_of: first.assistant_message_id,
    });
    await chatInto(world.app, { conversation_id: id, regenerate_of: first.assistant_message_id });
    const texts: string[] = [];
    const siblings = (await branch(id))[1]!.sibling_ids;
    expect(siblings).toHaveLength(3);
    for (const sibling of siblings) texts.push((await branch(id, sibling))[1]!.content);
    // A follow-up on the second version: it is the current branch now.
    await chatInto(world.app, {
      conversation_id: id,
      after: second.assistant_message_id,
      prompt: 'Follow-up on two',
    });

    const page = await openApp(world);
    await sidebar(page).getByRole('button', { name: 'Give me versions', exact: true }).click();
    const answer = answers(page).first();
    await answer.getByText('2 / 3').waitFor();
    // The text, not innerText: a finished message off its first frame can be skipped by content-visibility.
    await answer.getByText(texts[1]!).first().waitFor();
    await questions(page).getByText('Follow-up on two').waitFor();

    await answer.getByRole('button', { name: 'Next version' }).click();
    await answers(page).first().getByText('3 / 3').waitFor();
    await answers(page).first().getByText(texts[2]!).first().waitFor();
    await questions(page).getByText('Follow-up on two').waitFor({ state: 'detached' });
    expect(await answers(page).first().getByRole('button', { name: 'Next version' }).isDisabled()).toBe(true);

    await answers(page).first().getByRole('button', { name: 'Previous version' }).click();
    await answers(page).first().getByText('2 / 3').waitFor();
    await answers(page).first().getByRole('button', { name: 'Previous version' }).click();
    await answers(page).first().getByText('1 / 3').waitFor();
    await answers(page).first().getByText(texts[0]!).first().waitFor();
    expect(await answers(page).first().getByRole('button', { name: 'Previous version' }).isDisabled()).toBe(
      true,
    );

    // The version shown is the conversation's current branch: a reload shows it again.
    await page.reload();
    await answers(page).first().getByText('1 / 3').waitFor();
  });

  it('deletes a message with what follows it, after asking', async () => {
    const first = await titledConversation(world.app, 'Keep this one');
    const id = first.conversation_id;
    await chatInto(world.app, { conversation_id: id, prompt: 'My password is hunter2' });
    const page = await openApp(world);
    await sidebar(page).getByRole('button', { name: 'Keep this one', exact: true }).click();
    const secret = questions(page).filter({ hasText: 'hunter2' });
    await secret.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this message?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await secret.count()).toBe(1);
    await secret.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete this message?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await secret.waitFor({ state: 'detached' });
    expect(await answers(page).count()).toBe(1);
    const left = await branch(id);
    expect(left.map((message) => message.content).join('\n')).not.toContain('hunter2');
    expect(left).toHaveLength(2);
  });

  it('a stopped answer says so and keeps its text', async () => {
    const created = await rest<{ id: string }>(world.app, 'POST', '/conversations', {
      title: 'Stopped story',
    });
    const stop = new AbortController();
    const response = await fetch(`${world.app.url}/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.app.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ conversation_id: created.id, prompt: 'Tell me a long story' }),
      signal: stop.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    // Each token is its own SSE event when the fake streams slowly: read the answer, not the wire.
    let text = '';
    const answerSoFar = () =>
      [...text.matchAll(/^data: (\{"token":.*\})$/gm)]
        .map((match) => (JSON.parse(match[1]!) as { token: string }).token)
        .join('');
    while (!answerSoFar().includes('once upon')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the story ended before its first words:\n${text}`);
      text += value;
    }
    // A stored chat outlives its client for 60 s (CONTRACT section 10): Stop is explicit.
    const chatId = /"chat_id":"([^"]+)"/.exec(text)?.[1];
    expect(chatId).toBeTruthy();
    const stopped = await fetch(`${world.app.url}/trpc/chat.stop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.app.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chatId }),
    });
    expect(stopped.status).toBe(200);
    stop.abort();
    let status = '';
    const poll = setInterval(() => {
      void branch(created.id).then((messages) => {
        status = messages[1]?.status ?? '';
      });
    }, 100);
    try {
      await waitFor(() => status === 'stopped', HANG_MS * 2, 'the answer is stored as stopped');
    } finally {
      clearInterval(poll);
    }
    const page = await openApp(world);
    await sidebar(page).getByRole('button', { name: 'Stopped story', exact: true }).click();
    const answer = answers(page).first();
    await answer.getByText('stopped', { exact: true }).waitFor();
    await answer.getByText('once upon').first().waitFor();
  });

  it('threw no page errors and CSP blocked nothing', () => {
    expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
  });
});
