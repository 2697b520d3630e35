import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegBytes, pngBytes } from '../fixtures/files.js';
import { waitFor } from '../fixtures/index.js';
import { openApp, problemsSeen, questions } from './support/app-page.js';
import { startWorld, type World } from './support/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

const composerFiles = (page: Page) => page.getByRole('list', { name: 'Attached files' });
const chatBodies = () =>
  world.ollama.requests
    .filter((request) => request.path === '/api/chat')
    .map((request) => request.body as { messages: { content: string; images?: string[] }[] });

/** A file put on the page's clipboard or drag as the browser would (a DataTransfer holding it). */
async function dispatchFile(
  page: Page,
  event: 'paste' | 'drop',
  file: { name: string; type: string; bytes: number[] },
): Promise<void> {
  await page.evaluate(
    ({ event, file }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(file.bytes)], file.name, { type: file.type }));
      const box = document.querySelector('textarea[aria-label="Message"]') as HTMLTextAreaElement;
      if (event === 'paste') {
        box.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }),
        );
      } else {
        document.body.dispatchEvent(
          new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
        document.body.dispatchEvent(
          new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      }
    },
    { event, file },
  );
}

describe('attachments in the composer and the conversation', () => {
  it('attaches, drops and pastes files, removes one, sends the rest, and opens an image large', async () => {
    const page = await openApp(world);
    const png = pngBytes(30);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach' }).click();
    await (await chooser).setFiles([
      { name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from(png) },
      { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Shopping\n- milk') },
    ]);
    await composerFiles(page).getByRole('img', { name: 'cat.png' }).waitFor();
    await composerFiles(page).getByText('notes.md').waitFor();

    await dispatchFile(page, 'drop', {
      name: 'dropped.txt',
      type: 'text/plain',
      bytes: [...Buffer.from('dropped')],
    });
    await composerFiles(page).getByText('dropped.txt').waitFor();
    await dispatchFile(page, 'paste', { name: '', type: 'image/jpeg', bytes: [...jpegBytes()] });
    await composerFiles(page)
      .getByRole('img', { name: /pasted-image\.jpg|pasted image/ })
      .waitFor();

    await page.getByRole('button', { name: 'Remove dropped.txt' }).click();
    await composerFiles(page).getByText('dropped.txt').waitFor({ state: 'detached' });

    const before = chatBodies().length;
    await page.getByRole('textbox', { name: 'Message' }).fill('What is in these?');
    const send = page.getByRole('button', { name: 'Send' });
    await waitFor(() => send.isEnabled(), 'the uploads are done');
    await send.click();

    const sent = questions(page).last();
    await sent.getByRole('img', { name: 'cat.png' }).waitFor();
    await sent.getByText('notes.md').waitFor();
    await composerFiles(page).waitFor({ state: 'detached' });

    // The chat itself (a title request for the new conversation may follow it).
    const asked = () =>
      chatBodies()
        .slice(before)
        .map((body) => body.messages.at(-1))
        .find((message) => message?.content.includes('What is in these?'));
    await waitFor(() => asked() !== undefined, 'the provider got the chat');
    const message = asked();
    expect(message?.images).toHaveLength(2);
    expect(message?.images?.[0]).toBe(Buffer.from(png).toString('base64'));
    expect(message?.content).toContain('[File: notes.md]');
    expect(message?.content).not.toContain('dropped');

    await sent.getByRole('button', { name: 'Open cat.png' }).click();
    const dialog = page.getByRole('dialog', { name: 'cat.png' });
    await dialog.getByRole('img', { name: 'cat.png' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(problemsSeen(world)).toEqual({ csp: [], errors: [] });
  });

  it('shows why a file was refused and holds the message until it is removed', async () => {
    const page = await openApp(world);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach' }).click();
    await (await chooser).setFiles([
      { name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not a png') },
    ]);
    await page.getByRole('alert').filter({ hasText: '"fake.png" is not a PNG image' }).waitFor();
    await page.getByRole('textbox', { name: 'Message' }).fill('Hello');
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Remove fake.png' }).click();
    await waitFor(() => page.getByRole('button', { name: 'Send' }).isEnabled(), 'Send is enabled again');
  });
});
