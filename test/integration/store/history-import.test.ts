import { createReadStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DatabaseSync } from '../../../src/adapters/store/sqlite.js';
import type { ConversationService } from '../../../src/domain/services/conversation-service.js';
import { expected, IMPORTS_DIR, normalised } from '../../unit/import/import-data.js';
import { historyWorld, tempDataDir } from './support.js';

/** Imports a file from disk as the API does: streamed, never read whole here. */
const importPath = (service: ConversationService, path: string) => service.import(createReadStream(path));

const shared = (name: string) => join(IMPORTS_DIR, name);

/** Writes `content` to a file in a fresh temp dir and returns its path. */
function tempFile(name: string, content: string | Uint8Array): string {
  const path = join(tempDataDir(), name);
  writeFileSync(path, content);
  return path;
}

/** The stored id of an imported conversation, by its id in the file. */
function storedId(dataDir: string, sourceId: string): string | undefined {
  const db = new DatabaseSync(join(dataDir, 'lightchat.db'), { readOnly: true });
  try {
    const row = db.prepare('SELECT id FROM conversations WHERE source_id = ?').get(sourceId) as
      | { id: string }
      | undefined;
    return row?.id;
  } finally {
    db.close();
  }
}

const roles = (messages: { role: string }[]): string =>
  messages.map((m) => (m.role === 'user' ? 'u' : 'a')).join('');

/** A text as stored: a note of tool calls or system messages may stand above it. */
const storedText = (content: string | undefined): string | null => {
  if (content === undefined) return null;
  const lines = content.split('\n');
  let start = 0;
  while (start < lines.length && (lines[start]?.startsWith('>') || (start > 0 && lines[start] === '')))
    start++;
  return normalised(start === 0 ? content : lines.slice(start).join('\n'));
};

const chatGptNode = (id: string, parent: string | null, role: string, text: string) => ({
  id,
  parent,
  children: [],
  message: {
    id,
    author: { role },
    create_time: 1_700_000_000,
    content: { content_type: 'text', parts: [text] },
  },
});

const chatGptConversation = (id: string, nodes: ReturnType<typeof chatGptNode>[], currentNode: string) => ({
  id,
  title: id,
  create_time: 1_700_000_000,
  update_time: 1_700_000_100,
  current_node: currentNode,
  mapping: Object.fromEntries(nodes.map((n) => [n.id, n])),
});

const good = chatGptConversation(
  'good',
  [chatGptNode('g1', null, 'user', 'hi'), chatGptNode('g2', 'g1', 'assistant', 'hello')],
  'g2',
);

describe('import: every real export in shared/data/imports', () => {
  const files = readdirSync(IMPORTS_DIR).filter((name) => name.endsWith('.json') && name !== 'expected.json');
  const claude = Object.entries(expected.other_formats).filter(([, want]) => want.format === 'claude.ai');
  const refused = Object.entries(expected.other_formats).filter(([, want]) => want.format !== 'claude.ai');

  it('covers every file there', () => {
    const covered = [...Object.keys(expected.chatgpt), ...claude.map(([f]) => f), ...refused.map(([f]) => f)];
    expect(covered.sort()).toEqual([...files].sort());
  });

  for (const [file, want] of Object.entries(expected.chatgpt)) {
    it(`${file}: the counts, and each conversation's tree, branch and texts as stored`, async () => {
      const { dataDir, service } = await historyWorld();
      const importable = want.conversations.filter((c) => c.importable);
      const result = await importPath(service, shared(file));
      expect(result).toEqual({
        imported: importable.length,
        skipped: 0,
        failed: want.conversations
          .filter((c) => !c.importable)
          .map((c) => ({ sourceId: c.id, reason: expect.stringMatching(/mapping/) })),
        messages: importable.reduce((sum, c) => sum + (c.all_branches_messages ?? 0), 0),
      });
      for (const conversation of importable) {
        const id = storedId(dataDir, conversation.id) as string;
        const { conversation: stored, messages } = await service.get(id);
        expect(stored.title).toBe(conversation.title);
        expect(stored.messageCount).toBe(conversation.all_branches_messages);
        expect(roles(messages)).toBe(conversation.current_branch_roles);
        expect(messages.every((m) => m.status === 'done')).toBe(true);
        const firstUser = messages.find((m) => m.role === 'user');
        const lastAssistant = messages.filter((m) => m.role === 'assistant').pop();
        expect(storedText(firstUser?.content)).toBe(normalised(conversation.first_user_text));
        expect(storedText(lastAssistant?.content)).toBe(normalised(conversation.last_assistant_text));
      }
    });
  }

  for (const [file, want] of claude) {
    it(`${file}: conversations with messages imported, empty ones skipped`, async () => {
      const { dataDir, service } = await historyWorld();
      const result = await importPath(service, shared(file));
      const withMessages = (want.conversations ?? []).filter((c) => c.messages > 0);
      expect(result).toEqual({
        imported: want.conversations_with_messages,
        skipped: (want.conversations ?? []).length - withMessages.length,
        failed: [],
        messages: withMessages.reduce((sum, c) => sum + c.messages, 0),
      });
      for (const conversation of withMessages) {
        const { conversation: stored, messages } = await service.get(
          storedId(dataDir, conversation.id) as string,
        );
        if (conversation.title !== '') expect(stored.title).toBe(conversation.title);
        expect(messages).toHaveLength(conversation.messages);
        const times = messages.map((m) => m.createdAt);
        expect(times).toEqual([...times].sort());
        const lastAssistant = messages.filter((m) => m.role === 'assistant').pop();
        expect(storedText(lastAssistant?.content)).toBe(normalised(conversation.last_assistant_text));
      }
    });
  }

  for (const [file] of refused) {
    it(`${file} (a format the contract does not name) is IMPORT_INVALID and stores nothing`, async () => {
      const { service } = await historyWorld();
      await expect(importPath(service, shared(file))).rejects.toMatchObject({
        code: 'IMPORT_INVALID',
        message: expect.stringMatching(/ChatGPT/),
      });
      expect((await service.list()).items).toEqual([]);
    });
  }
});

describe('import: re-import', () => {
  it('a second import of the same file adds nothing', async () => {
    const { service } = await historyWorld();
    const first = await importPath(service, shared('chatgpt-nexus-full-2023.json'));
    expect(first.imported).toBe(17);
    const again = await importPath(service, shared('chatgpt-nexus-full-2023.json'));
    expect(again).toEqual({ imported: 0, skipped: 17, failed: [], messages: 0 });
    expect((await service.list({ limit: 100 })).items).toHaveLength(17);
  });

  it('an extended export adds only its new messages, and the branch moves on to them', async () => {
    const { dataDir, service } = await historyWorld();
    await importPath(service, tempFile('first.json', JSON.stringify([good])));
    const extended = chatGptConversation(
      'good',
      [
        chatGptNode('g1', null, 'user', 'hi'),
        chatGptNode('g2', 'g1', 'assistant', 'hello'),
        chatGptNode('g3', 'g2', 'user', 'and now?'),
        chatGptNode('g4', 'g3', 'assistant', 'now this'),
      ],
      'g4',
    );
    const result = await importPath(service, tempFile('second.json', JSON.stringify([extended])));
    expect(result).toEqual({ imported: 1, skipped: 0, failed: [], messages: 2 });
    const { messages, conversation } = await service.get(storedId(dataDir, 'good') as string);
    expect(messages.map((m) => m.content)).toEqual(['hi', 'hello', 'and now?', 'now this']);
    expect(conversation.messageCount).toBe(4);
  });

  it('a LightChat export comes back with its ids, and adds nothing to the history it came from', async () => {
    const { service, send } = await historyWorld();
    const turn = await send({ conversationId: 'new', prompt: 'Keep me' }, 'Kept.');
    const { historyZip } = await import('../../../src/adapters/store/formats/zip-export.js');
    const parts: Uint8Array[] = [];
    for await (const part of historyZip(service.exportAll())) parts.push(part);
    const zip = tempFile('lightchat-history.zip', Buffer.concat(parts));
    expect(await importPath(service, zip)).toEqual({ imported: 0, skipped: 1, failed: [], messages: 0 });

    const elsewhere = await historyWorld();
    expect(await importPath(elsewhere.service, zip)).toEqual({
      imported: 1,
      skipped: 0,
      failed: [],
      messages: 2,
    });
    const { conversation, messages } = await elsewhere.service.get(turn.conversationId);
    expect(conversation.title).toBe('Keep me');
    expect(messages.map((m) => [m.id, m.content])).toEqual([
      [turn.userMessageId, 'Keep me'],
      [turn.assistantMessageId, 'Kept.'],
    ]);
  });
});

describe('import: ids of a LightChat file', () => {
  it('a message id used by two conversations of the file is kept for the first, renewed for the second', async () => {
    const { service } = await historyWorld();
    const id = '0192aaaa-0000-7000-8000-000000000001';
    const conversation = (conversationId: string, text: string) => ({
      id: conversationId,
      title: text,
      messages: [{ id, parent_id: null, role: 'user', content: text }],
    });
    const file = {
      format: 'lightchat.conversations',
      version: 1,
      conversations: [
        conversation('0192aaaa-0000-7000-8000-00000000000a', 'first'),
        conversation('0192aaaa-0000-7000-8000-00000000000b', 'second'),
      ],
    };
    const result = await importPath(service, tempFile('shared-id.json', JSON.stringify(file)));
    expect(result).toEqual({ imported: 2, skipped: 0, failed: [], messages: 2 });
    const first = await service.get('0192aaaa-0000-7000-8000-00000000000a');
    const second = await service.get('0192aaaa-0000-7000-8000-00000000000b');
    expect(first.messages.map((m) => [m.id, m.content])).toEqual([[id, 'first']]);
    expect(second.messages[0]?.id).not.toBe(id);
    expect(second.messages[0]?.content).toBe('second');
  });
});

describe('import: bad files', () => {
  it('a file cut short keeps the conversations before the cut and reports the one it broke in', async () => {
    const { service } = await historyWorld();
    const whole = readFileSync(shared('chatgpt-nexus-full-2023.json'));
    const cut = tempFile('cut.json', whole.subarray(0, Math.floor(whole.length / 2)));
    const result = await importPath(service, cut);
    expect(result.imported).toBeGreaterThan(0);
    expect(result.imported).toBeLessThan(17);
    expect(result.failed).toEqual([
      { sourceId: `#${result.imported}`, reason: expect.stringMatching(/cut short/) },
    ]);
    // The whole file later adds the rest, and nothing twice.
    const rest = await importPath(service, shared('chatgpt-nexus-full-2023.json'));
    expect(rest.imported).toBe(17 - result.imported);
    expect(rest.skipped).toBe(result.imported);
    expect((await service.list({ limit: 100 })).items).toHaveLength(17);
  });

  it('JSON in no known format is IMPORT_INVALID and stores nothing', async () => {
    const { service } = await historyWorld();
    for (const content of ['{"hello":"world"}', '[1,2,3]', '"text"', '', 'not json']) {
      await expect(importPath(service, tempFile('unknown.json', content))).rejects.toMatchObject({
        code: 'IMPORT_INVALID',
      });
    }
    expect((await service.list()).items).toEqual([]);
  });

  it('one broken conversation among good ones: the good ones are stored, the broken one reported', async () => {
    const { service } = await historyWorld();
    const broken = { id: 'broken', title: 'b', mapping: 'not a mapping' };
    const other = { ...good, id: 'good2', title: 'good2' };
    const path = tempFile('mixed.json', JSON.stringify([good, broken, other]));
    const result = await importPath(service, path);
    expect(result).toEqual({
      imported: 2,
      skipped: 0,
      failed: [{ sourceId: 'broken', reason: expect.stringMatching(/mapping/) }],
      messages: 4,
    });
  });

  it('a conversation whose tree has a cycle is reported; the others are stored', async () => {
    const { service } = await historyWorld();
    const cycle = chatGptConversation(
      'looped',
      [chatGptNode('c1', 'c2', 'user', 'a'), chatGptNode('c2', 'c1', 'assistant', 'b')],
      'c2',
    );
    const result = await importPath(service, tempFile('cycle.json', JSON.stringify([cycle, good])));
    expect(result.failed).toEqual([{ sourceId: 'looped', reason: expect.stringMatching(/cycle/) }]);
    expect(result.imported).toBe(1);
  });

  it("ChatGPT's ZIP imports like its conversations.json", async () => {
    const { service } = await historyWorld();
    const zip = zipSync({
      'conversations.json': readFileSync(shared('chatgpt-librechat-tree.json')),
      'chat.html': strToU8('<html></html>'),
    });
    const result = await importPath(service, tempFile('export.zip', zip));
    expect(result).toEqual({ imported: 1, skipped: 0, failed: [], messages: 11 });
  });

  it('a ZIP bomb, a path outside the archive and a ZIP cut short are refused, nothing stored', async () => {
    const { service } = await historyWorld();
    const bomb = zipSync({ 'conversations.json': new Uint8Array(20 * 1024 * 1024) }, { level: 9 });
    await expect(importPath(service, tempFile('bomb.zip', bomb))).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
      message: expect.stringMatching(/compressed more than 100:1/),
    });
    const outside = zipSync({
      'conversations.json': strToU8(JSON.stringify([good])),
      '../../.bashrc': strToU8('evil'),
    });
    await expect(importPath(service, tempFile('escape.zip', outside))).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
      details: { entry: '../../.bashrc' },
    });
    const whole = zipSync({ 'conversations.json': strToU8(JSON.stringify([good])) });
    await expect(
      importPath(service, tempFile('cut.zip', whole.subarray(0, whole.length - 30))),
    ).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
    expect((await service.list()).items).toEqual([]);
  });

  it('a ZIP whose directory understates its entry is stopped while it inflates', async () => {
    const { service } = await historyWorld();
    const zip = Buffer.from(
      zipSync({ 'conversations.json': strToU8(JSON.stringify([good]).padEnd(5000, ' ')) }, { level: 9 }),
    );
    // Both the local header and the central directory claim 100 bytes: a lie the limits can't see.
    const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(100, central + 24);
    zip.writeUInt32LE(100, 22);
    await expect(importPath(service, tempFile('lying.zip', zip))).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
      message: expect.stringMatching(/inflates past/),
    });
    expect((await service.list()).items).toEqual([]);
  });
});

describe('import: large conversations', () => {
  it('a conversation of 1,200 messages is stored whole, in order, through several batches', async () => {
    const { dataDir, service } = await historyWorld();
    const nodes = Array.from({ length: 1200 }, (_, i) =>
      chatGptNode(`m${i}`, i === 0 ? null : `m${i - 1}`, i % 2 === 0 ? 'user' : 'assistant', `text ${i}`),
    );
    const path = tempFile('long.json', JSON.stringify([chatGptConversation('long', nodes, 'm1199')]));
    expect(await importPath(service, path)).toEqual({ imported: 1, skipped: 0, failed: [], messages: 1200 });
    const { conversation, messages } = await service.get(storedId(dataDir, 'long') as string);
    expect(conversation.messageCount).toBe(1200);
    expect(messages.map((m) => m.content)).toEqual(nodes.map((_, i) => `text ${i}`));
  });
});
