import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseImportFile } from '../../../src/adapters/store/formats/parse-import.js';
import { ZIP_LIMITS, type ZipLimits } from '../../../src/adapters/store/formats/zip-import.js';
import { AppError } from '../../../src/domain/errors.js';
import { importFile } from './import-data.js';

const json = (value: unknown): Uint8Array => strToU8(JSON.stringify(value));

function importError(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): AppError {
  try {
    parseImportFile(bytes, limits);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the import was accepted');
}

const node = (id: string, parent: string | null, role: string, text: string) => ({
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

const chatGpt = (id: string, nodes: ReturnType<typeof node>[], currentNode: string) => ({
  id,
  title: id,
  create_time: 1_700_000_000,
  update_time: 1_700_000_100,
  current_node: currentNode,
  mapping: Object.fromEntries(nodes.map((n) => [n.id, n])),
});

const good = chatGpt('good', [node('g1', null, 'user', 'hi'), node('g2', 'g1', 'assistant', 'hello')], 'g2');

describe('formats the contract does not name (real Open WebUI, LibreChat and LobeChat exports)', () => {
  // Decision: none is "trivially close" to ChatGPT or Claude (different keys, trees and roles), so
  // each is refused whole with a message that names the formats LightChat reads.
  for (const file of [
    'openwebui-librechat-fixture.json',
    'openwebui-owi-chat-object.json',
    'librechat-export-2024.json',
    'librechat-tree-2024.json',
    'lobechat-v7-sessions.json',
  ]) {
    it(`${file} is IMPORT_INVALID`, () => {
      const error = importError(importFile(file));
      expect(error.code).toBe('IMPORT_INVALID');
      expect(error.message).toMatch(/ChatGPT/);
    });
  }
});

describe('ChatGPT trees', () => {
  it('without current_node the current branch takes the last child (ChatGPT appends edits)', () => {
    const nodes = [
      node('r', null, 'user', 'question'),
      node('a1', 'r', 'assistant', 'first answer'),
      node('a2', 'r', 'assistant', 'regenerated answer'),
    ];
    const conversation = { ...chatGpt('branched', nodes, 'r'), current_node: undefined };
    const [parsed] = parseImportFile(json([conversation])).conversations;
    expect(parsed?.messages.map((m) => m.sourceId)).toEqual(['r', 'a1', 'a2']);
    expect(parsed?.currentLeafSourceId).toBe('a2');
  });
});

describe('bad files', () => {
  it('a truncated export is IMPORT_INVALID, saying it may be cut short', () => {
    const whole = importFile('chatgpt-librechat-tree.json');
    const error = importError(whole.subarray(0, Math.floor(whole.length / 2)));
    expect(error.code).toBe('IMPORT_INVALID');
    expect(error.message).toMatch(/not valid JSON.*cut short/);
  });

  it('JSON in no known format is IMPORT_INVALID', () => {
    expect(importError(json({ hello: 'world' })).code).toBe('IMPORT_INVALID');
    expect(importError(json([1, 2, 3])).code).toBe('IMPORT_INVALID');
  });

  it('a LightChat file from a newer version is refused whole', () => {
    const error = importError(json({ format: 'lightchat.conversations', version: 2, conversations: [] }));
    expect(error.message).toMatch(/version 2/);
  });
});

describe('one bad conversation among good ones', () => {
  it('a ChatGPT conversation with a cycle is reported; the others import', () => {
    const cycle = chatGpt(
      'looped',
      [node('c1', 'c2', 'user', 'a'), node('c2', 'c1', 'assistant', 'b')],
      'c2',
    );
    const parsed = parseImportFile(json([good, cycle]));
    expect(parsed.conversations.map((c) => c.sourceId)).toEqual(['good']);
    expect(parsed.failed).toEqual([{ source_id: 'looped', reason: expect.stringMatching(/cycle/) }]);
  });

  it('a broken Claude conversation is reported; the others import', () => {
    const ok = {
      uuid: 'ok',
      name: 'ok',
      created_at: '2024-01-01T00:00:00Z',
      chat_messages: [{ uuid: 'm1', sender: 'human', text: 'hi', created_at: '2024-01-01T00:00:00Z' }],
    };
    const broken = { uuid: 'broken', name: 'b', chat_messages: ['not a message'] };
    const parsed = parseImportFile(json([broken, ok]));
    expect(parsed.conversations.map((c) => c.sourceId)).toEqual(['ok']);
    expect(parsed.failed).toEqual([{ source_id: 'broken', reason: 'message #0 is not an object' }]);
  });

  it('a LightChat conversation with a cycle is reported', () => {
    const message = (id: string, parent: string) => ({ id, parent_id: parent, role: 'user', content: id });
    const parsed = parseImportFile(
      json({
        format: 'lightchat.conversations',
        version: 1,
        conversations: [{ id: 'x', title: 'x', messages: [message('a', 'b'), message('b', 'a')] }],
      }),
    );
    expect(parsed.failed).toEqual([{ source_id: 'x', reason: expect.stringMatching(/cycle/) }]);
  });
});

describe('ZIPs', () => {
  it("ChatGPT's ZIP imports like its conversations.json; other entries are not unpacked", () => {
    const inner = importFile('chatgpt-librechat-tree.json');
    const zip = zipSync({ 'conversations.json': inner, 'chat.html': strToU8('<html></html>') });
    expect(parseImportFile(zip)).toEqual(parseImportFile(inner));
  });

  it('a ZIP bomb (ratio over 100) is refused before it is inflated', () => {
    const zip = zipSync({ 'conversations.json': new Uint8Array(20 * 1024 * 1024) }, { level: 9 });
    const error = importError(zip);
    expect(error.code).toBe('IMPORT_INVALID');
    expect(error.message).toMatch(/compressed more than 100:1/);
  });

  it('an entry whose path leaves the archive is refused', () => {
    const zip = zipSync({ 'conversations.json': json([good]), '../../.bashrc': strToU8('evil') });
    const error = importError(zip);
    expect(error.message).toMatch(/outside the archive/);
    expect(error.details).toEqual({ entry: '../../.bashrc' });
  });

  it('too many entries or too many bytes are refused', () => {
    const zip = zipSync({ 'conversations.json': json([good]), a: strToU8('a'), b: strToU8('b') });
    expect(importError(zip, { ...ZIP_LIMITS, maxEntries: 2 }).message).toMatch(/more than 2 entries/);
    expect(importError(zip, { ...ZIP_LIMITS, maxUncompressedBytes: 10 }).message).toMatch(
      /more than 10 bytes/,
    );
  });

  it('a ZIP without conversations.json, or cut short, is IMPORT_INVALID', () => {
    expect(importError(zipSync({ 'x.txt': strToU8('x') })).message).toMatch(/no conversations\.json/);
    const zip = zipSync({ 'conversations.json': json([good]) });
    expect(importError(zip.subarray(0, zip.length - 30)).code).toBe('IMPORT_INVALID');
  });
});
