import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { currentBranch } from '../../../src/adapters/store/formats/imported-conversation.js';
import {
  type ExportedConversation,
  lightChatJson,
  lightChatJsonChunks,
} from '../../../src/adapters/store/formats/lightchat-json.js';
import { conversationMarkdown } from '../../../src/adapters/store/formats/markdown-export.js';
import { parseImportFile } from '../../../src/adapters/store/formats/parse-import.js';
import { type Conversation, newMessage, type StoredMessage } from '../../../src/domain/conversation.js';

const T = '2026-01-01T00:00:00.000Z';
const conversation: Conversation = {
  id: 'c1',
  title: 'Weekend plans',
  createdAt: T,
  updatedAt: T,
  pinned: false,
  temporary: false,
  providerId: 'local',
  modelId: 'm',
  systemPrompt: null,
  numCtx: null,
  think: null,
  currentLeafId: 'a2',
  messageCount: 4,
};
const message = (
  id: string,
  parentId: string | null,
  role: 'user' | 'assistant',
  content: string,
  seq: number,
): StoredMessage => ({
  ...newMessage({ id, conversationId: 'c1', parentId, role, createdAt: T, updatedAt: T }),
  seq,
  content,
  thinking: role === 'assistant' ? 'hmm' : '',
});
// u1 → a1 (an older answer) and u1 → a2 (the regenerated one, current).
const messages = [
  message('u1', null, 'user', 'Any ideas for Saturday?', 1),
  message('a1', 'u1', 'assistant', 'A hike.', 2),
  message('a2', 'u1', 'assistant', 'A museum.', 3),
];
const entry: ExportedConversation = { conversation, messages };

describe('export', () => {
  it('Markdown: # title, then User / Assistant sections of the current branch', () => {
    const branch = [messages[0], messages[2]].filter((m) => m !== undefined);
    expect(conversationMarkdown(conversation, branch)).toBe(
      '# Weekend plans\n\n**User**\n\nAny ideas for Saturday?\n\n**Assistant**\n\nA museum.\n',
    );
    expect(conversationMarkdown({ title: null }, [])).toBe('# Untitled conversation\n');
  });

  it('LightChat JSON: the format header, snake_case fields and every message of the tree', () => {
    const document = JSON.parse(lightChatJson(entry));
    expect(document).toMatchObject({ format: 'lightchat.conversations', version: 1 });
    expect(document.conversations[0]).toMatchObject({
      id: 'c1',
      current_leaf_id: 'a2',
      title: 'Weekend plans',
    });
    expect(document.conversations[0].messages.map((m: { id: string }) => m.id)).toEqual(['u1', 'a1', 'a2']);
    expect(document.conversations[0].messages[1]).toMatchObject({ parent_id: 'u1', tool_calls: [] });
  });

  it('LightChat JSON imports back with its tree, branch and thinking', () => {
    const parsed = parseImportFile(strToU8(lightChatJson(entry)));
    const [back] = parsed.conversations;
    expect(parsed.format).toBe('lightchat');
    expect(back?.messages.map((m) => [m.sourceId, m.parentSourceId, m.role, m.content])).toEqual(
      messages.map((m) => [m.id, m.parentId, m.role, m.content]),
    );
    expect(back === undefined ? [] : currentBranch(back).map((m) => m.sourceId)).toEqual(['u1', 'a2']);
    expect(back?.messages[1]?.thinking).toBe('hmm');
  });

  it("keeps a LightChat conversation's Think and Tools switches; absent or unreadable ones stay unset", () => {
    const file = (settings: Record<string, unknown>) =>
      strToU8(
        JSON.stringify({
          format: 'lightchat.conversations',
          version: 1,
          conversations: [
            {
              id: 'c1',
              ...settings,
              messages: [{ id: 'u1', parent_id: 'gone', role: 'user', content: 'hi' }],
            },
          ],
        }),
      );
    const [kept] = parseImportFile(file({ think: 'high', tools: 'none' })).conversations;
    expect(kept?.kept).toMatchObject({ think: 'high', tools: 'none' });
    // A parent that is not in the file: the message is a root.
    expect(kept?.messages[0]?.parentSourceId).toBeNull();
    for (const settings of [{}, { think: null, tools: null }, { think: 'very', tools: 'sometimes' }]) {
      expect(parseImportFile(file(settings)).conversations[0]?.kept).toMatchObject({
        think: null,
        tools: null,
      });
    }
  });

  it('the streamed JSON of all history is the same document, one conversation at a time', async () => {
    const chunks: string[] = [];
    for await (const chunk of lightChatJsonChunks([
      entry,
      { ...entry, conversation: { ...conversation, id: 'c2' } },
    ])) {
      chunks.push(chunk);
    }
    expect(chunks).toHaveLength(4);
    const document = JSON.parse(chunks.join(''));
    expect(document.conversations.map((c: { id: string }) => c.id)).toEqual(['c1', 'c2']);
    expect(JSON.parse(chunks.join('')).conversations[0]).toEqual(
      JSON.parse(lightChatJson(entry)).conversations[0],
    );
  });
});
