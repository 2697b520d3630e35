import { type Attachment, attachmentsOf } from '../attachment.js';
import type { ChatMessage } from '../chat.js';
import type { Conversation, StoredMessage, TurnTarget } from '../conversation.js';
import type { ConversationTree } from './conversation-tree.js';
import { messageNotFound, wrongRole } from './history-errors.js';

/** A send, checked against the stored tree; nothing is written yet. */
export interface TurnPlan {
  conversation: Conversation;
  /** `conversation_id: "new"`: the conversation is created with the turn's messages. */
  isNew: boolean;
  /** The new messages hang under this one (null: at the root). */
  parentId: string | null;
  /** Null for a regenerated answer. */
  prompt: string | null;
  /** The branch up to `parentId`, then the prompt: what the chat engine sends. */
  messages: ChatMessage[];
  /** The files of the new user message, as the chat engine found them (stored with it). */
  attachments?: Attachment[];
}

/** Where a send goes: `after`, `editOf`, `regenerateOf`, else after the current leaf. */
export function placeTurn(
  conversation: Conversation,
  tree: ConversationTree,
  target: TurnTarget,
): { parentId: string | null; prompt: string | null } {
  const find = (id: string, field: string) => {
    const node = tree.get(id);
    if (!node) throw messageNotFound(conversation.id, id, field);
    return node;
  };
  if (target.regenerateOf !== undefined) {
    const answer = find(target.regenerateOf, 'regenerate_of');
    if (answer.role !== 'assistant') throw wrongRole('regenerate_of', answer.id, 'assistant');
    return { parentId: answer.parentId, prompt: null };
  }
  const prompt = target.prompt ?? '';
  if (target.editOf !== undefined) {
    const edited = find(target.editOf, 'edit_of');
    if (edited.role !== 'user') throw wrongRole('edit_of', edited.id, 'user');
    return { parentId: edited.parentId, prompt };
  }
  if (target.after !== undefined) return { parentId: find(target.after, 'after').id, prompt };
  return { parentId: conversation.currentLeafId, prompt };
}

/**
 * The stored branch as chat messages, each with the files it carried: answers that never got any
 * text are left out. `attachmentIds` go with the prompt.
 */
export function branchAsChat(
  branch: readonly StoredMessage[],
  prompt: string | null,
  attachmentIds: readonly string[] = [],
): ChatMessage[] {
  const messages: ChatMessage[] = branch
    .filter((message) => message.role === 'user' || message.content !== '')
    .map((message) =>
      withFiles(
        { role: message.role, content: message.content },
        attachmentsOf(message.attachments).map((file) => file.id),
      ),
    );
  if (prompt !== null) messages.push(withFiles({ role: 'user', content: prompt }, attachmentIds));
  return messages;
}

const withFiles = (message: ChatMessage, ids: readonly string[]): ChatMessage =>
  ids.length > 0 ? { ...message, attachmentIds: [...ids] } : message;
