import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OLLAMA_ANSWER } from '../../fixtures/index.js';
import { IMPORTS_DIR } from '../../unit/import/import-data.js';
import { startWorld, type World } from '../api/support.js';
import { cliOutput as runCliOutput } from './cli-process.js';

/** The commands find the API token next to the settings file they are pointed at. */
const cli = (args: string[]) =>
  runCliOutput([...args, '--url', world.url], { LIGHTCHAT_CONFIG: world.settingsPath });

let world: World;
beforeAll(async () => {
  world = await startWorld({ history: true });
});
afterAll(() => world.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Each test runs the CLI several times, each a new Node process with a TypeScript loader.
describe('lightchat conversations', { timeout: 120_000 }, () => {
  it('import FILE streams an export to the server and says what it added', async () => {
    const file = join(IMPORTS_DIR, 'chatgpt-nexus-full-2023.json');
    const first = await cli(['conversations', 'import', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('Imported 17 conversations (676 new messages); 0 had nothing new.\n');
    const again = await cli(['conversations', 'import', file, '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ imported: 0, skipped: 17, failed: [], messages: 0 });
    const invalid = await cli(['conversations', 'import', join(IMPORTS_DIR, 'lobechat-v7-sessions.json')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/IMPORT_INVALID/);
  });

  it('list prints a table, or JSON; show prints the current branch', async () => {
    const table = await cli(['conversations', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+TITLE\s+MESSAGES\s+UPDATED$/);
    expect(table.stdout).toMatch(/Sauvegarde dans xigmaNAS\s+24\s/);
    const json = await cli(['conversations', 'list', '--json', '--limit', '100']);
    const page = JSON.parse(json.stdout) as { items: { id: string; title: string; message_count: number }[] };
    expect(page.items).toHaveLength(17);
    const xigma = page.items.find((c) => c.title === 'Sauvegarde dans xigmaNAS');
    const shown = await cli(['conversations', 'show', xigma?.id as string]);
    expect(shown.stdout.startsWith('# Sauvegarde dans xigmaNAS\n\n**User**\n\nY a-t-il une solution')).toBe(
      true,
    );
  });

  it('search prints the matches with their conversations', async () => {
    const found = await cli(['conversations', 'search', 'xigmaNAS']);
    expect(found.code).toBe(0);
    expect(found.stdout.split('\n')[0]).toMatch(/^CONVERSATION\s+TITLE\s+IN\s+MATCH$/);
    expect(found.stdout).toMatch(/xigmaNAS/);
    const json = await cli(['conversations', 'search', 'xigmaNAS', '--json']);
    const { items } = JSON.parse(json.stdout) as { items: { snippet: string }[] };
    expect(items.length).toBeGreaterThan(0);
    expect(items[0]?.snippet).toMatch(/<mark>xigmaNAS<\/mark>/i);
  });

  it('export ID prints Markdown or JSON; export --all writes the ZIP; delete ID removes one', async () => {
    const { items } = await world.core.conversations.list({ limit: 1 });
    const id = items[0]?.id as string;
    const md = await cli(['conversations', 'export', id]);
    expect(md.stdout.startsWith(`# ${items[0]?.title}`)).toBe(true);
    const json = await cli(['conversations', 'export', id, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ format: 'lightchat.conversations', version: 1 });

    const zipPath = join(world.dir, 'all.zip');
    const all = await cli(['conversations', 'export', '--all', '--output', zipPath]);
    expect(all.code).toBe(0);
    const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
    const document = JSON.parse(strFromU8(entries['conversations.json'] as Uint8Array)) as {
      conversations: unknown[];
    };
    expect(document.conversations).toHaveLength(17);

    const deleted = await cli(['conversations', 'delete', id]);
    expect(deleted.stdout).toBe(`Deleted conversation ${id}.\n`);
    const gone = await cli(['conversations', 'show', id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/CONVERSATION_NOT_FOUND/);
  });
});

describe('lightchat ask --save / --continue', { timeout: 120_000 }, () => {
  it('--save stores the chat and prints its id on stderr; --continue adds to it', async () => {
    const saved = await cli(['ask', 'Remember', 'this', '--save']);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toBe(`${FAKE_OLLAMA_ANSWER}\n`);
    const id = saved.stderr.trim();
    expect(id).toMatch(UUID);
    const continued = await cli(['ask', 'And', 'then?', '--continue', id]);
    expect(continued.code).toBe(0);
    expect(continued.stdout).toBe(`${FAKE_OLLAMA_ANSWER}\n`);
    expect(continued.stderr).toBe('');
    const { conversation, messages } = await world.core.conversations.get(id);
    expect(conversation.title).toBe('Remember this');
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Remember this'],
      ['assistant', FAKE_OLLAMA_ANSWER],
      ['user', 'And then?'],
      ['assistant', FAKE_OLLAMA_ANSWER],
    ]);
  });

  it('--continue with an unknown conversation exits non-zero with CONVERSATION_NOT_FOUND', async () => {
    const missing = await cli(['ask', 'hi', '--continue', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/CONVERSATION_NOT_FOUND/);
  });
});
