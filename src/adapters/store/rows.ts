import type { ChatStats, Usage } from '../../domain/chat.js';
import type { Conversation, MessageRole, MessageStatus, StoredMessage } from '../../domain/conversation.js';
import { AppError } from '../../domain/errors.js';
import { isThink, type Think } from '../../domain/think.js';

/** Rows of `lightchat.db` to the domain's shapes and back: times are epoch ms, nested values JSON. */

export interface ConversationRow {
  id: string;
  title: string | null;
  created_at: number;
  updated_at: number;
  pinned: number;
  provider_id: string | null;
  model_id: string | null;
  system_prompt: string | null;
  num_ctx: number | null;
  think: string | null;
  /** The conversation's Tools switch, `auto` or `none`; null until the user sets it. */
  tools: string | null;
  current_leaf_id: string | null;
  message_count: number;
}

export interface MessageRow {
  id: string;
  seq: number;
  conversation_id: string;
  parent_id: string | null;
  role: MessageRole;
  content: string;
  thinking: string;
  status: MessageStatus;
  error_code: string | null;
  provider_id: string | null;
  model_id: string | null;
  usage: string | null;
  stats: string | null;
  attachments: string;
  tool_calls: string;
  created_at: number;
  updated_at: number;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const ms = (isoTime: string): number => Date.parse(isoTime);

export const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  title: row.title,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
  pinned: row.pinned === 1,
  temporary: false,
  providerId: row.provider_id,
  modelId: row.model_id,
  systemPrompt: row.system_prompt,
  numCtx: row.num_ctx,
  think: thinkFromColumn(row.think),
  ...(row.tools === 'auto' || row.tools === 'none' ? { tools: row.tools } : {}),
  currentLeafId: row.current_leaf_id,
  messageCount: row.message_count,
});

/** `think` is kept as text: `true`/`false` or a level. Anything else (a newer value) reads as unset. */
export const thinkToColumn = (think: Think | null): string | null => (think === null ? null : String(think));
function thinkFromColumn(text: string | null): Think | null {
  const value = text === 'true' ? true : text === 'false' ? false : text;
  return isThink(value) ? value : null;
}

const json = <T>(text: string | null, fallback: T): T => (text === null ? fallback : (JSON.parse(text) as T));

export const toMessage = (row: MessageRow): StoredMessage => ({
  id: row.id,
  seq: row.seq,
  conversationId: row.conversation_id,
  parentId: row.parent_id,
  role: row.role,
  content: row.content,
  thinking: row.thinking,
  status: row.status,
  errorCode: row.error_code,
  providerId: row.provider_id,
  modelId: row.model_id,
  usage: json<Usage | null>(row.usage, null),
  stats: json<ChatStats | null>(row.stats, null),
  attachments: json(row.attachments, []),
  toolCalls: json(row.tool_calls, []),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

/** The list's position: after (pinned, updated_at, id), in the list's order. Opaque to clients. */
export type ListPosition = [pinned: number, updatedAt: number, id: string];

export const encodeCursor = (row: ConversationRow): string =>
  Buffer.from(JSON.stringify([row.pinned, row.updated_at, row.id])).toString('base64url');

export function decodeCursor(cursor: string): ListPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'number' &&
      typeof value[2] === 'string'
    ) {
      return value as ListPosition;
    }
  } catch {}
  throw new AppError(
    'VALIDATION_ERROR',
    'cursor is not one this server gave: pass next_cursor back as it came.',
    {
      details: { issues: [{ path: ['cursor'], message: 'unknown cursor' }] },
    },
  );
}
