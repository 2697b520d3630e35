import type { Attachment } from '../../../domain/attachment.js';
import type { ChatTools } from '../../../domain/chat.js';
import type { Think } from '../../../domain/think.js';

/**
 * What every import format is read into before it reaches the store (CONTRACT section 10): a
 * conversation tree keyed by the source's own ids, so a re-import can tell new messages from
 * known ones.
 */

export interface ImportedMessage {
  /** The message's id in the source file; re-import skips a source id already stored. */
  sourceId: string;
  /** The nearest kept ancestor's source id; null for a root. */
  parentSourceId: string | null;
  role: 'user' | 'assistant';
  content: string;
  thinking: string;
  createdAt: string;
  /** System and tool messages before this one, and its non-text parts, as readable text. */
  note?: string;
  /** What a LightChat file keeps of the message beyond its text (other formats carry none of it). */
  kept?: KeptMessage;
}

/** A LightChat message's own fields, as the file gives them (a `streaming` answer comes in `interrupted`). */
export interface KeptMessage {
  status: 'done' | 'error' | 'stopped' | 'interrupted';
  errorCode: string | null;
  providerId: string | null;
  modelId: string | null;
  usage: Record<string, unknown> | null;
  stats: Record<string, unknown> | null;
  /** The attached files' records (CONTRACT section 12), without their bytes. */
  attachments: Attachment[];
  toolCalls: Record<string, unknown>[];
  /** Bytes the file carries (a JSON export's base64 `data`), for `attachments` of the same index. */
  files: { attachment: Attachment; base64: string }[];
}

/** A LightChat conversation's own settings, as the file gives them. */
export interface KeptConversation {
  pinned: boolean;
  providerId: string | null;
  modelId: string | null;
  systemPrompt: string | null;
  numCtx: number | null;
  think: Think | null;
  tools: ChatTools | null;
}

export interface ImportedConversation {
  sourceId: string;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  /** The source's current branch ends here (a source id from `messages`). */
  currentLeafSourceId: string | null;
  /** Every kept message of the tree, each after its parent. */
  messages: ImportedMessage[];
  /** A LightChat file's settings of the conversation (provider, model, Think and Tools switches…). */
  kept?: KeptConversation;
}

/** A conversation that could not be read; the rest of the file still imports. */
export interface ImportFailure {
  source_id: string | null;
  reason: string;
}

export type ImportFormat = 'lightchat' | 'chatgpt' | 'claude';

export interface ParsedImport {
  format: ImportFormat;
  conversations: ImportedConversation[];
  /** Conversations with no message to import (ChatGPT's empty chats, Claude's blank ones). */
  empty: string[];
  failed: ImportFailure[];
}

/** Raised inside one conversation's reader: that conversation is reported, the file goes on. */
export class ConversationUnreadable extends Error {}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const stringOr = (value: unknown, fallback: string): string =>
  typeof value === 'string' ? value : fallback;

/** Exports give times as epoch seconds (ChatGPT) or ISO strings (Claude, LightChat). */
export function isoTime(value: unknown, fallback: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return new Date(Math.round(value * 1000)).toISOString();
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  return fallback;
}

/** What one record of a file gave: a conversation, nothing to import, or a failure. */
export type RecordReading =
  | { kind: 'conversation'; conversation: ImportedConversation }
  | { kind: 'empty'; sourceId: string }
  | { kind: 'failed'; failure: ImportFailure };

/**
 * Reads one record with `read`; one that throws is reported with the reason, one that returns null
 * (or no message) had nothing to import.
 */
export function readRecord(
  record: unknown,
  index: number,
  sourceIdOf: (record: unknown, index: number) => string | null,
  read: (record: unknown, sourceId: string) => ImportedConversation | null,
): RecordReading {
  const sourceId = sourceIdOf(record, index);
  try {
    if (sourceId === null) throw new ConversationUnreadable('the conversation has no id');
    const conversation = read(record, sourceId);
    if (conversation === null || conversation.messages.length === 0) return { kind: 'empty', sourceId };
    return { kind: 'conversation', conversation };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'failed', failure: { source_id: sourceId ?? `#${index}`, reason } };
  }
}

/** Reads each record of a file (see `readRecord`). */
export function readEach(
  format: ImportFormat,
  records: unknown[],
  sourceIdOf: (record: unknown, index: number) => string | null,
  read: (record: unknown, sourceId: string) => ImportedConversation | null,
): ParsedImport {
  const parsed: ParsedImport = { format, conversations: [], empty: [], failed: [] };
  records.forEach((record, index) => {
    const reading = readRecord(record, index, sourceIdOf, read);
    if (reading.kind === 'conversation') parsed.conversations.push(reading.conversation);
    else if (reading.kind === 'empty') parsed.empty.push(reading.sourceId);
    else parsed.failed.push(reading.failure);
  });
  return parsed;
}

/**
 * Source ids of a parent-linked tree, each after its parent, children in the order given. A node
 * whose parent chain loops is a cycle: the whole conversation is unreadable.
 */
export function treeOrder(ids: string[], parentOf: (id: string) => string | null): string[] {
  const known = new Set(ids);
  const children = new Map<string | null, string[]>();
  for (const id of ids) {
    const parent = parentOf(id);
    const key = parent !== null && known.has(parent) ? parent : null;
    const list = children.get(key) ?? [];
    list.push(id);
    children.set(key, list);
  }
  const order: string[] = [];
  const stack = [...(children.get(null) ?? [])].reverse();
  while (stack.length > 0) {
    const id = stack.pop() as string;
    order.push(id);
    stack.push(...[...(children.get(id) ?? [])].reverse());
  }
  if (order.length < known.size) {
    const stuck = ids.find((id) => !order.includes(id));
    throw new ConversationUnreadable(`the message tree has a cycle (through message ${stuck})`);
  }
  return order;
}

/** The messages from the root to the current leaf, root first. */
export function currentBranch(conversation: ImportedConversation): ImportedMessage[] {
  const byId = new Map(conversation.messages.map((message) => [message.sourceId, message]));
  const branch: ImportedMessage[] = [];
  let at = conversation.currentLeafSourceId === null ? undefined : byId.get(conversation.currentLeafSourceId);
  while (at !== undefined && branch.length <= byId.size) {
    branch.push(at);
    at = at.parentSourceId === null ? undefined : byId.get(at.parentSourceId);
  }
  return branch.reverse();
}
