import type { ExportFormat } from '../../domain/conversation.js';
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
): Promise<ExportFile> {
  const exported = await conversations.exportConversation(id);
  const content =
    format === 'md' ? conversationMarkdown(exported.conversation, exported.branch) : lightChatJson(exported);
  return { filename: exportFilename(exported.conversation.title, format), mimeType: MIME[format], content };
}

/** `content-disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266). */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
