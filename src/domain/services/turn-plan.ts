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

/** The stored branch as chat messages: answers that never got any text are left out. */
export function branchAsChat(branch: readonly StoredMessage[], prompt: string | null): ChatMessage[] {
  const messages: ChatMessage[] = branch
    .filter((message) => message.role === 'user' || message.content !== '')
    .map((message) => ({ role: message.role, content: message.content }));
  if (prompt !== null) messages.push({ role: 'user', content: prompt });
  return messages;
}
