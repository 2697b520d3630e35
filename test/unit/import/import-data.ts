import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real export files shared by every worktree: `<repo>/../shared/data/imports/`. */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const IMPORTS_DIR = join(repo, '../shared/data/imports');

export const importFile = (name: string): Uint8Array => new Uint8Array(readFileSync(join(IMPORTS_DIR, name)));

export interface ExpectedChatGptConversation {
  id: string;
  title: string;
  importable: boolean;
  current_branch_messages?: number;
  all_branches_messages?: number;
  current_branch_roles?: string;
  first_user_text?: string | null;
  last_assistant_text?: string | null;
}

export interface ExpectedClaudeConversation {
  id: string;
  title: string;
  messages: number;
  first_human_text: string | null;
  last_assistant_text: string | null;
}

export interface Expected {
  chatgpt: Record<string, { conversations_importable: number; conversations: ExpectedChatGptConversation[] }>;
  other_formats: Record<
    string,
    { format: string; conversations_with_messages?: number; conversations?: ExpectedClaudeConversation[] }
  >;
}

export const expected = JSON.parse(readFileSync(join(IMPORTS_DIR, 'expected.json'), 'utf8')) as Expected;

/** Texts are compared trimmed with runs of whitespace as one space (SOURCES.md). */
export const normalised = (text: string | null | undefined): string | null =>
  text === null || text === undefined ? null : text.trim().replace(/\s+/g, ' ');
