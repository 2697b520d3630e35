import type { z } from 'zod';
import { type Attachment, attachmentSchema } from '../../../domain/attachment.js';
import { toCamelKeys, toSnakeKeys } from '../../../domain/casing.js';
import { chatToolsSchema, thinkSchema } from '../../../domain/chat.js';
import type { ExportedConversation } from '../../../domain/services/conversation-service.js';
import {
  ConversationUnreadable,
  type ImportedConversation,
  type ImportedMessage,
  isoTime,
  isRecord,
  type KeptConversation,
  type KeptMessage,
  treeOrder,
} from './imported-conversation.js';

/**
 * LightChat's own file (CONTRACT section 10): `{"format": "lightchat.conversations", "version": 1,
 * "conversations": [{conversation fields…, "messages": [every message of the tree]}]}`, in the
 * REST API's snake_case.
 */

export const LIGHTCHAT_FORMAT = 'lightchat.conversations';
export const LIGHTCHAT_VERSION = 1;

export type { ExportedConversation };

const conversationJson = ({ conversation, messages }: ExportedConversation): string =>
  JSON.stringify({
    ...(toSnakeKeys(conversation) as Record<string, unknown>),
    messages: messages.map((message) => toSnakeKeys(message)),
  });

/**
 * The file in pieces, one conversation at a time, so all history can be written to a ZIP without
 * holding it in memory.
 */
export async function* lightChatJsonChunks(
  conversations: AsyncIterable<ExportedConversation> | Iterable<ExportedConversation>,
): AsyncGenerator<string> {
  yield `{"format":"${LIGHTCHAT_FORMAT}","version":${LIGHTCHAT_VERSION},"conversations":[`;
  let first = true;
  for await (const entry of conversations) {
    yield `${first ? '\n' : ',\n'}${conversationJson(entry)}`;
    first = false;
  }
  yield '\n]}\n';
}

/** One conversation's export file. */
export function lightChatJson(entry: ExportedConversation): string {
  return `{"format":"${LIGHTCHAT_FORMAT}","version":${LIGHTCHAT_VERSION},"conversations":[\n${conversationJson(entry)}\n]}\n`;
}

export const looksLikeLightChat = (document: unknown): boolean =>
  isRecord(document) && document.format === LIGHTCHAT_FORMAT;

/** The version check is the caller's: a newer file is refused whole, not conversation by conversation. */
export const lightChatVersion = (document: Record<string, unknown>): unknown => document.version;

export const lightChatSourceId = (record: unknown): string | null =>
  isRecord(record) && typeof record.id === 'string' && record.id !== '' ? record.id : null;

function readMessage(raw: unknown, index: number, fallbackTime: string): ImportedMessage {
  const message = toCamelKeys(raw) as Record<string, unknown>;
  if (!isRecord(message) || typeof message.id !== 'string' || message.id === '') {
    throw new ConversationUnreadable(`message #${index} has no id`);
  }
  if (message.role !== 'user' && message.role !== 'assistant') {
    throw new ConversationUnreadable(
      `message ${message.id} has role ${JSON.stringify(message.role)}; expected "user" or "assistant"`,
    );
  }
  if (typeof message.content !== 'string') {
    throw new ConversationUnreadable(`message ${message.id} has no text "content"`);
  }
  return {
    sourceId: message.id,
    parentSourceId: typeof message.parentId === 'string' ? message.parentId : null,
    role: message.role,
    content: message.content,
    thinking: typeof message.thinking === 'string' ? message.thinking : '',
    createdAt: isoTime(message.createdAt, fallbackTime),
    kept: keptMessage(message),
  };
}

const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const recordOrNull = (value: unknown): Record<string, unknown> | null => (isRecord(value) ? value : null);
const FINAL_STATUSES = new Set(['done', 'error', 'stopped', 'interrupted']);

/**
 * The message's own fields (what an export wrote): unreadable ones fall back to a plain finished
 * message; an answer exported while it streamed is `interrupted`; each attached file's record is
 * kept when it reads, with its bytes apart when the file carries them.
 */
function keptMessage(message: Record<string, unknown>): KeptMessage {
  const status = typeof message.status === 'string' ? message.status : 'done';
  const files: KeptMessage['files'] = [];
  const attachments: Attachment[] = [];
  for (const raw of Array.isArray(message.attachments) ? message.attachments : []) {
    const parsed = attachmentSchema.safeParse(raw);
    if (!parsed.success) continue;
    attachments.push(parsed.data);
    const data = (raw as Record<string, unknown>).data;
    if (typeof data === 'string' && data !== '') files.push({ attachment: parsed.data, base64: data });
  }
  return {
    status: (FINAL_STATUSES.has(status) ? status : 'interrupted') as KeptMessage['status'],
    errorCode: textOrNull(message.errorCode),
    providerId: textOrNull(message.providerId),
    modelId: textOrNull(message.modelId),
    usage: recordOrNull(message.usage),
    stats: recordOrNull(message.stats),
    attachments,
    toolCalls: (Array.isArray(message.toolCalls) ? message.toolCalls : []).filter(isRecord),
    files,
  };
}

/**
 * A setting the file gives, or null when it gives none or one that does not read. An absent one is
 * not handed to zod: a failed parse builds its issues, and most files leave these out.
 */
function settingOrNull<T>(schema: z.ZodType<T>, value: unknown): T | null {
  if (value === undefined || value === null) return null;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The conversation's own settings; a value that does not read is left unset. */
function keptConversation(record: Record<string, unknown>): KeptConversation {
  return {
    pinned: record.pinned === true,
    providerId: textOrNull(record.providerId),
    modelId: textOrNull(record.modelId),
    systemPrompt: textOrNull(record.systemPrompt),
    numCtx:
      Number.isInteger(record.numCtx) && (record.numCtx as number) > 0 ? (record.numCtx as number) : null,
    think: settingOrNull(thinkSchema, record.think),
    tools: settingOrNull(chatToolsSchema, record.tools),
  };
}

export function readLightChatConversation(raw: unknown, sourceId: string): ImportedConversation {
  const record = toCamelKeys(raw) as Record<string, unknown>;
  const createdAt = isoTime(record.createdAt, new Date(0).toISOString());
  if (!Array.isArray(raw && isRecord(raw) ? raw.messages : undefined)) {
    throw new ConversationUnreadable('the conversation has no "messages" list');
  }
  const list = (raw as Record<string, unknown>).messages as unknown[];
  const read = list.map((message, index) => readMessage(message, index, createdAt));
  const byId = new Map(read.map((message) => [message.sourceId, message]));
  const order = treeOrder(
    read.map((message) => message.sourceId),
    (id) => byId.get(id)?.parentSourceId ?? null,
  );
  const messages = order.map((id) => {
    // Read just above, so changed in place (a copy of each of 100,000 messages cost its GC).
    const message = byId.get(id) as ImportedMessage;
    const parent = message.parentSourceId;
    if (parent !== null && !byId.has(parent)) message.parentSourceId = null;
    return message;
  });
  const leaf =
    typeof record.currentLeafId === 'string' && byId.has(record.currentLeafId) ? record.currentLeafId : null;
  return {
    sourceId,
    title: typeof record.title === 'string' ? record.title : null,
    createdAt,
    updatedAt: isoTime(record.updatedAt, createdAt),
    currentLeafSourceId: leaf ?? messages[messages.length - 1]?.sourceId ?? null,
    messages,
    kept: keptConversation(record),
  };
}
