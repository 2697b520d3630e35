import type { ExportFormat, StoredMessage } from '../../domain/conversation.js';
import type { AttachmentStore } from '../../domain/ports/attachment-store.port.js';
import type { ConversationService } from '../../domain/services/conversation-service.js';
import { lightChatJson } from '../store/formats/lightchat-json.js';
import { conversationMarkdown } from '../store/formats/markdown-export.js';

/** One conversation as a file to save (CONTRACT section 10): REST and tRPC give the same. */
export interface ExportFile {
  filename: string;
  mimeType: string;
  content: string;
}

const MIME: Record<ExportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** What a file name must not hold: control characters, path separators and what Windows refuses. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f/\\:*?"<>|]+/g;

/** A file name from the title: no path separators, quotes or control characters; at most 80 characters. */
export function exportFilename(title: string | null, extension: string): string {
  const base = Array.from(
    (title ?? '').replace(UNSAFE_IN_NAME, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+/, ''),
  )
    .slice(0, 80)
    .join('')
    .trim();
  return `${base === '' ? 'conversation' : base}.${extension}`;
}

export async function exportConversationFile(
  conversations: ConversationService,
  id: string,
  format: ExportFormat,
  attachments?: Pick<AttachmentStore, 'get' | 'bytes'>,
): Promise<ExportFile> {
  const exported = await conversations.exportConversation(id);
  const content =
    format === 'md'
      ? conversationMarkdown(exported.conversation, exported.branch)
      : lightChatJson({ ...exported, messages: await withFileData(exported.messages, attachments) });
  return { filename: exportFilename(exported.conversation.title, format), mimeType: MIME[format], content };
}

/** Each attached file with its bytes as base64 (`data`; null when the file is gone): the JSON export stands alone. */
async function withFileData(
  messages: StoredMessage[],
  attachments: Pick<AttachmentStore, 'get' | 'bytes'> | undefined,
): Promise<StoredMessage[]> {
  if (!attachments) return messages;
  return Promise.all(
    messages.map(async (message) => {
      if (message.attachments.length === 0) return message;
      const files = await Promise.all(
        message.attachments.map(async (record) => {
          const found = typeof record.id === 'string' ? await attachments.get(record.id) : null;
          const bytes = found ? await attachments.bytes(found) : null;
          return { ...record, data: bytes ? Buffer.from(bytes).toString('base64') : null };
        }),
      );
      return { ...message, attachments: files };
    }),
  );
}

/** `content-disposition: attachment` (or `inline`) with an ASCII fallback and the UTF-8 name (RFC 6266). */
export function attachmentHeader(
  filename: string,
  disposition: 'attachment' | 'inline' = 'attachment',
): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
