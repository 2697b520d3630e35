import {
  ConversationUnreadable,
  type ImportedConversation,
  type ImportedMessage,
  isoTime,
  isRecord,
  treeOrder,
} from './imported-conversation.js';

/**
 * ChatGPT's data export (`conversations.json`): each conversation is a `mapping` of nodes linked by
 * `parent`, with `current_node` at the end of the branch the user last saw. User and assistant text
 * messages are kept; hidden ones are dropped; system and tool messages, tool calls and non-text parts
 * become a note on the next kept message.
 */

interface ChatGptNode {
  id: string;
  parent: string | null;
  children: string[];
  message: Record<string, unknown> | null;
}

/** A conversation record of the export is one with a `mapping`. */
export const looksLikeChatGpt = (record: unknown): boolean => isRecord(record) && 'mapping' in record;

export const chatGptSourceId = (record: unknown): string | null => {
  if (!isRecord(record)) return null;
  const id = record.conversation_id ?? record.id;
  return typeof id === 'string' && id !== '' ? id : null;
};

function readNodes(mapping: unknown): Map<string, ChatGptNode> {
  if (!isRecord(mapping)) {
    throw new ConversationUnreadable('the conversation has no "mapping" of messages');
  }
  const nodes = new Map<string, ChatGptNode>();
  for (const [key, raw] of Object.entries(mapping)) {
    if (!isRecord(raw)) throw new ConversationUnreadable(`mapping entry ${key} is not an object`);
    nodes.set(key, {
      id: key,
      parent: typeof raw.parent === 'string' ? raw.parent : null,
      children: Array.isArray(raw.children) ? raw.children.filter((c) => typeof c === 'string') : [],
      message: isRecord(raw.message) ? raw.message : null,
    });
  }
  return nodes;
}

const roleOf = (message: Record<string, unknown>): string =>
  isRecord(message.author) && typeof message.author.role === 'string' ? message.author.role : 'unknown';

function partsOf(content: Record<string, unknown>): { text: string; other: string[] } {
  const parts = Array.isArray(content.parts) ? content.parts : [];
  const strings = parts.filter((part): part is string => typeof part === 'string');
  const other = parts
    .filter((part) => typeof part !== 'string' && part !== null)
    .map((part) => {
      const kind = isRecord(part) && typeof part.content_type === 'string' ? part.content_type : 'part';
      const pointer =
        isRecord(part) && typeof part.asset_pointer === 'string' ? ` ${part.asset_pointer}` : '';
      return `[${kind}${pointer}]`;
    });
  let text = strings.join('\n');
  if (text.trim() === '' && typeof content.text === 'string') text = content.text;
  if (text.trim() === '' && typeof content.result === 'string') text = content.result;
  return { text, other };
}

type Reading =
  | { kind: 'kept'; role: 'user' | 'assistant'; content: string; notes: string[]; createdAt: unknown }
  | { kind: 'note'; note: string }
  | { kind: 'nothing' };

/** What one node contributes: a message, a note, or nothing (hidden, empty, structural). */
function readNode(node: ChatGptNode): Reading {
  const message = node.message;
  if (message === null) return { kind: 'nothing' };
  const metadata = isRecord(message.metadata) ? message.metadata : {};
  if (metadata.is_visually_hidden_from_conversation === true) return { kind: 'nothing' };
  const role = roleOf(message);
  const content = isRecord(message.content) ? message.content : {};
  const contentType = typeof content.content_type === 'string' ? content.content_type : 'unknown';
  const recipient = typeof message.recipient === 'string' ? message.recipient : 'all';
  const { text, other } = partsOf(content);
  const isTurn =
    (role === 'user' || role === 'assistant') &&
    (contentType === 'text' || contentType === 'multimodal_text') &&
    recipient === 'all' &&
    text.trim() !== '';
  if (isTurn) return { kind: 'kept', role, content: text, notes: other, createdAt: message.create_time };
  if (text.trim() === '' && other.length === 0 && (contentType === 'text' || role === 'system')) {
    return { kind: 'nothing' };
  }
  const author = recipient === 'all' ? role : `${role} → ${recipient}`;
  const body = [text.trim(), ...other].filter((line) => line !== '').join('\n');
  return { kind: 'note', note: `[${author}: ${contentType}]${body === '' ? '' : `\n${body}`}` };
}

/** The node the current branch ends at: `current_node`, or from the first root the last children. */
function currentEnd(
  record: Record<string, unknown>,
  nodes: Map<string, ChatGptNode>,
  order: string[],
): string | null {
  if (typeof record.current_node === 'string' && nodes.has(record.current_node)) return record.current_node;
  const children = new Map<string, string[]>();
  for (const node of nodes.values()) {
    children.set(
      node.id,
      node.children.filter((child) => nodes.get(child)?.parent === node.id),
    );
  }
  for (const node of nodes.values()) {
    const parent = node.parent === null ? undefined : children.get(node.parent);
    if (parent !== undefined && !parent.includes(node.id)) parent.push(node.id);
  }
  let at = order[0] ?? null;
  const seen = new Set<string>();
  while (at !== null && !seen.has(at)) {
    seen.add(at);
    const next = children.get(at) ?? [];
    at = next.length === 0 ? at : (next[next.length - 1] as string);
    if (next.length === 0) break;
  }
  return at;
}

export function readChatGptConversation(raw: unknown, sourceId: string): ImportedConversation {
  const record = isRecord(raw) ? raw : {};
  const nodes = readNodes(record.mapping);
  const createdAt = isoTime(record.create_time, new Date(0).toISOString());
  const order = treeOrder([...nodes.keys()], (id) => nodes.get(id)?.parent ?? null);
  const keptAncestor = new Map<string, string | null>();
  const pending = new Map<string, string[]>();
  const messages = new Map<string, ImportedMessage>();
  const parents = new Set([...nodes.values()].map((node) => node.parent));
  for (const id of order) {
    const node = nodes.get(id) as ChatGptNode;
    const parent = node.parent !== null && nodes.has(node.parent) ? node.parent : null;
    const parentKept = parent === null ? null : (keptAncestor.get(parent) ?? null);
    const notesBefore = parent === null ? [] : (pending.get(parent) ?? []);
    const reading = readNode(node);
    if (reading.kind === 'kept') {
      const notes = [...notesBefore, ...reading.notes];
      messages.set(id, {
        sourceId: id,
        parentSourceId: parentKept,
        role: reading.role,
        content: reading.content,
        thinking: '',
        createdAt: isoTime(reading.createdAt, createdAt),
        ...(notes.length > 0 ? { note: notes.join('\n\n') } : {}),
      });
      keptAncestor.set(id, id);
      pending.set(id, []);
      continue;
    }
    keptAncestor.set(id, parentKept);
    const notes = reading.kind === 'note' ? [...notesBefore, reading.note] : notesBefore;
    pending.set(id, notes);
    // Notes after the last message of a branch (an interrupted tool call) go on that message.
    const hasChildren = parents.has(id);
    const owner = parentKept === null ? undefined : messages.get(parentKept);
    if (!hasChildren && notes.length > 0 && owner !== undefined) {
      owner.note = [owner.note, ...notes].filter((n) => n !== undefined).join('\n\n');
    }
  }
  const end = currentEnd(record, nodes, order);
  return {
    sourceId,
    title: typeof record.title === 'string' ? record.title : null,
    createdAt,
    updatedAt: isoTime(record.update_time, createdAt),
    currentLeafSourceId: end === null ? null : (keptAncestor.get(end) ?? null),
    messages: [...messages.values()],
  };
}
