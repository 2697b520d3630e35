import { attachmentsOf } from '../../../domain/attachment.js';
import type { Conversation, StoredMessage } from '../../../domain/conversation.js';

/**
 * One conversation as Markdown (CONTRACT section 10): `# title`, then a `**User**` or `**Assistant**`
 * section per message of the current branch, root first; attached files by name (their bytes are in
 * the JSON and ZIP exports).
 */
export function conversationMarkdown(
  conversation: Pick<Conversation, 'title'>,
  branch: (Pick<StoredMessage, 'role' | 'content'> & Partial<Pick<StoredMessage, 'attachments'>>)[],
): string {
  const title = conversation.title?.trim() || 'Untitled conversation';
  const sections = branch.map((message) => {
    const files = attachmentsOf(message.attachments ?? []).map(
      (file) => `\`${file.name.replace(/`/g, "'")}\``,
    );
    const attached = files.length > 0 ? `\n\n_Attached: ${files.join(', ')}_` : '';
    return `**${message.role === 'user' ? 'User' : 'Assistant'}**\n\n${message.content.trim()}${attached}`;
  });
  return `${[`# ${title.replace(/\s*\n\s*/g, ' ')}`, ...sections].join('\n\n')}\n`;
}
