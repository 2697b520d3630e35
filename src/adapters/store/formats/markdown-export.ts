import type { Conversation, StoredMessage } from '../../../domain/conversation.js';

/**
 * One conversation as Markdown (CONTRACT section 10): `# title`, then a `**User**` or `**Assistant**`
 * section per message of the current branch, root first.
 */
export function conversationMarkdown(
  conversation: Pick<Conversation, 'title'>,
  branch: Pick<StoredMessage, 'role' | 'content'>[],
): string {
  const title = conversation.title?.trim() || 'Untitled conversation';
  const sections = branch.map(
    (message) => `**${message.role === 'user' ? 'User' : 'Assistant'}**\n\n${message.content.trim()}`,
  );
  return `${[`# ${title.replace(/\s*\n\s*/g, ' ')}`, ...sections].join('\n\n')}\n`;
}
