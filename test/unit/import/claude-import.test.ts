import { describe, expect, it } from 'vitest';
import { currentBranch } from '../../../src/adapters/store/formats/imported-conversation.js';
import { parseImportFile } from '../../../src/adapters/store/formats/parse-import.js';
import { expected, importFile, normalised } from './import-data.js';

const claudeFiles = Object.entries(expected.other_formats).filter(([, want]) => want.format === 'claude.ai');

describe('Claude.ai exports (every real file in shared/data/imports)', () => {
  it('covers the four Claude files', () => {
    expect(claudeFiles).toHaveLength(4);
  });

  for (const [file, want] of claudeFiles) {
    describe(file, () => {
      const parsed = parseImportFile(importFile(file));

      it('imports the conversations with messages and skips the empty ones', () => {
        expect(parsed.format).toBe('claude');
        expect(parsed.failed).toEqual([]);
        expect(parsed.conversations).toHaveLength(want.conversations_with_messages ?? -1);
      });

      for (const conversation of want.conversations ?? []) {
        it(`${conversation.id}: messages in time order with their first and last texts`, () => {
          const got = parsed.conversations.find((c) => c.sourceId === conversation.id);
          if (conversation.messages === 0) {
            expect(got).toBeUndefined();
            return;
          }
          expect(got?.messages).toHaveLength(conversation.messages);
          const branch = got === undefined ? [] : currentBranch(got);
          expect(branch).toHaveLength(conversation.messages);
          const times = branch.map((m) => m.createdAt);
          expect(times).toEqual([...times].sort());
          const firstUser = branch.find((m) => m.role === 'user');
          const lastAssistant = branch.filter((m) => m.role === 'assistant').pop();
          expect(normalised(firstUser?.content)).toBe(normalised(conversation.first_human_text));
          expect(normalised(lastAssistant?.content)).toBe(normalised(conversation.last_assistant_text));
          expect(got?.title ?? '').toBe(conversation.title);
        });
      }
    });
  }

  it('splits thinking from the answer', () => {
    const [conversation] = parseImportFile(importFile('claude-anthropic-data-thinking.json')).conversations;
    const answer = conversation?.messages.find((m) => m.role === 'assistant');
    expect(answer?.thinking.length).toBeGreaterThan(0);
    expect(answer?.content).not.toContain(answer?.thinking.slice(0, 40));
    expect(answer?.content.startsWith('Dog saliva does contain')).toBe(true);
  });

  it('keeps tool use and tool results as notes on the next message', () => {
    const parsed = parseImportFile(importFile('claude-echomine-tools.json'));
    const notes = parsed.conversations.flatMap((c) => c.messages.map((m) => m.note ?? '')).join('\n');
    expect(notes).toContain('[tool_use');
    expect(notes).toContain('[tool_result');
  });
});
