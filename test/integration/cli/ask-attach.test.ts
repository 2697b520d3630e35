import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBytes } from '../../fixtures/files.js';
import { startWorld, type World } from '../api/support.js';
import { cliOutput as runCliOutput } from './cli-process.js';

const cliOutput = (args: string[]) => runCliOutput(args, { LIGHTCHAT_CONFIG: world.settingsPath });

let world: World;
let dir: string;
beforeAll(async () => {
  // llama3.2 sees images here (its /api/show capabilities list `vision`).
  world = await startWorld({
    history: true,
    ollama: { models: [{ name: 'llama3.2', capabilities: ['completion', 'vision'] }] },
  });
  dir = await mkdtemp(join(tmpdir(), 'lightchat-attach-'));
});
afterAll(async () => {
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

const lastChat = () =>
  world.ollama.requests.filter((request) => request.path === '/api/chat').at(-1)?.body as {
    messages: { content: string; images?: string[] }[];
  };

describe('lightchat ask --attach', () => {
  it('uploads each file and sends them with the question', async () => {
    const png = pngBytes(4);
    await writeFile(join(dir, 'cat.png'), png);
    await writeFile(join(dir, 'notes.md'), '# Notes');
    const { code } = await cliOutput([
      'ask',
      'What is this?',
      '--attach',
      join(dir, 'cat.png'),
      '--attach',
      join(dir, 'notes.md'),
      '--url',
      world.url,
    ]);
    expect(code).toBe(0);
    const sent = lastChat().messages.at(-1);
    expect(sent?.images).toEqual([Buffer.from(png).toString('base64')]);
    expect(sent?.content).toBe('[File: notes.md]\n# Notes\n[End of file: notes.md]\n\nWhat is this?');
  });

  it('works in a stored conversation too (--save)', async () => {
    await writeFile(join(dir, 'todo.txt'), 'milk');
    const { code } = await cliOutput([
      'ask',
      'Read it',
      '--attach',
      join(dir, 'todo.txt'),
      '--save',
      '--url',
      world.url,
    ]);
    expect(code).toBe(0);
    expect(lastChat().messages.at(-1)?.content).toContain('[File: todo.txt]\nmilk');
  });

  it('says which file it cannot read, and sends nothing', async () => {
    const before = world.ollama.requests.length;
    const { code, stderr } = await cliOutput([
      'ask',
      'hi',
      '--attach',
      join(dir, 'missing.png'),
      '--url',
      world.url,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('missing.png: no such file');
    expect(world.ollama.requests.length).toBe(before);
  });

  it('passes on the server refusing a file', async () => {
    await writeFile(join(dir, 'fake.png'), 'not a png');
    const { code, stderr } = await cliOutput([
      'ask',
      'hi',
      '--attach',
      join(dir, 'fake.png'),
      '--url',
      world.url,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('ATTACHMENT_UNSUPPORTED');
    expect(stderr).toContain('"fake.png" is not a PNG image');
  });
});
