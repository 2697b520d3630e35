import { describe, expect, it } from 'vitest';
import { currentBranch } from '../../../src/adapters/store/formats/imported-conversation.js';
import { parseImportFile } from '../../../src/adapters/store/formats/parse-import.js';
import { expected, importFile, normalised } from './import-data.js';

const roles = (messages: { role: string }[]): string =>
  messages.map((m) => (m.role === 'user' ? 'u' : 'a')).join('');

describe('ChatGPT exports (every real file in shared/data/imports)', () => {
  for (const [file, want] of Object.entries(expected.chatgpt)) {
    describe(file, () => {
      const parsed = parseImportFile(importFile(file));

      it('is read as ChatGPT, every importable conversation imported and the others reported', () => {
        expect(parsed.format).toBe('chatgpt');
        expect(parsed.conversations).toHaveLength(want.conversations_importable);
        const broken = want.conversations.filter((c) => !c.importable).map((c) => c.id);
        expect(parsed.failed.map((f) => f.source_id)).toEqual(broken);
        for (const failure of parsed.failed) expect(failure.reason).toMatch(/mapping/);
      });

      for (const conversation of want.conversations.filter((c) => c.importable)) {
        it(`${conversation.id}: title, every branch, the current branch and its texts`, () => {
          const got = parsed.conversations.find((c) => c.sourceId === conversation.id);
          expect(got?.title).toBe(conversation.title);
          if (got === undefined) return;
          expect(got.messages).toHaveLength(conversation.all_branches_messages ?? -1);
          const branch = currentBranch(got);
          expect(branch).toHaveLength(conversation.current_branch_messages ?? -1);
          expect(roles(branch)).toBe(conversation.current_branch_roles);
          const firstUser = branch.find((m) => m.role === 'user');
          const lastAssistant = branch.filter((m) => m.role === 'assistant').pop();
          expect(normalised(firstUser?.content)).toBe(normalised(conversation.first_user_text));
          expect(normalised(lastAssistant?.content)).toBe(normalised(conversation.last_assistant_text));
          const ids = new Set(got.messages.map((m) => m.sourceId));
          got.messages.forEach((m, index) => {
            if (m.parentSourceId !== null) {
              expect(ids.has(m.parentSourceId)).toBe(true);
              expect(got.messages.findIndex((p) => p.sourceId === m.parentSourceId)).toBeLessThan(index);
            }
            expect(Number.isNaN(Date.parse(m.createdAt))).toBe(false);
          });
        });
      }
    });
  }

  it('keeps tool calls, browsing results and images as notes, and drops hidden custom instructions', () => {
    const search = parseImportFile(importFile('chatgpt-librechat-websearch.json')).conversations[0];
    const notes = search?.messages.map((m) => m.note ?? '').join('\n') ?? '';
    expect(notes).toContain('[assistant → browser: code]');
    expect(notes).toContain('[tool: tether_browsing_display]');

    const image = parseImportFile(importFile('chatgpt-echomine-image-single.json')).conversations[0];
    const withImage = image?.messages.find((m) => m.content.startsWith('Interpret this painting'));
    expect(withImage?.note).toMatch(/\[image_asset_pointer file-service:\/\/file-/);

    const photosynthesis = parseImportFile(importFile('chatgpt-owi-photosynthesis.json')).conversations[0];
    const everything = photosynthesis?.messages.map((m) => `${m.content}\n${m.note ?? ''}`).join('\n') ?? '';
    expect(everything).not.toContain('user_editable_context');
  });
});
