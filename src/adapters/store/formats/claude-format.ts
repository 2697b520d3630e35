import {
  ConversationUnreadable,
  type ImportedConversation,
  type ImportedMessage,
  isoTime,
  isRecord,
  treeOrder,
} from './imported-conversation.js';

/**
 * Claude.ai's export (`conversations.json` with `chat_messages`). The array is often not in time
 * order (edits and retries flattened), so messages are sorted by `created_at`; branches come from
 * `parent_message_uuid` where the export has it, else each message follows the one before it.
 * Thinking blocks become `thinking`; tool use and results become a note on the next message.
 */

/** Claude's placeholder parent of a conversation's first message. */
const ROOT_PARENT = '00000000-0000-4000-8000-000000000000';

export const looksLikeClaude = (record: unknown): boolean =>
  isRecord(record) && Array.isArray(record.chat_messages);

export const claudeSourceId = (record: unknown): string | null =>
  isRecord(record) && typeof record.uuid === 'string' && record.uuid !== '' ? record.uuid : null;

interface ClaudeReading {
  id: string;
  parent: string | null;
  role: 'user' | 'assistant' | null;
  content: string;
  thinking: string;
  notes: string[];
  createdAt: string;
}

function describeBlock(block: Record<string, unknown>): string {
  const type = typeof block.type === 'string' ? block.type : 'block';
  const name = typeof block.name === 'string' ? ` ${block.name}` : '';
  const body =
    block.input !== undefined
      ? JSON.stringify(block.input)
      : Array.isArray(block.content)
        ? block.content
            .map((item) => (isRecord(item) && typeof item.text === 'string' ? item.text : ''))
            .join('\n')
        : typeof block.content === 'string'
          ? block.content
          : '';
  return `[${type}${name}]${body.trim() === '' ? '' : `\n${body.trim()}`}`;
}

function readMessage(raw: unknown, index: number, fallbackTime: string): ClaudeReading {
  if (!isRecord(raw)) throw new ConversationUnreadable(`message #${index} is not an object`);
  const id = typeof raw.uuid === 'string' && raw.uuid !== '' ? raw.uuid : null;
  if (id === null) throw new ConversationUnreadable(`message #${index} has no uuid`);
  const role = raw.sender === 'human' ? 'user' : raw.sender === 'assistant' ? 'assistant' : null;
  const texts: string[] = [];
  const thinking: string[] = [];
  const notes: string[] = [];
  if (Array.isArray(raw.content)) {
    for (const block of raw.content) {
      if (!isRecord(block)) continue;
      if (block.type === 'text' && typeof block.text === 'string') {
        if (block.text.trim() !== '') texts.push(block.text);
      } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
        thinking.push(block.thinking);
      } else {
        notes.push(describeBlock(block));
      }
    }
  } else if (typeof raw.text === 'string' && raw.text.trim() !== '') {
    texts.push(raw.text);
  }
  for (const file of [
    ...(Array.isArray(raw.attachments) ? raw.attachments : []),
    ...(Array.isArray(raw.files) ? raw.files : []),
  ]) {
    if (isRecord(file))
      notes.push(`[file ${String(file.file_name ?? file.file_uuid ?? '')}]`.replace(' ]', ']'));
  }
  const parent =
    typeof raw.parent_message_uuid === 'string' && raw.parent_message_uuid !== ROOT_PARENT
      ? raw.parent_message_uuid
      : null;
  return {
    id,
    parent,
    role,
    content: texts.join('\n\n'),
    thinking: thinking.join('\n\n'),
    notes,
    createdAt: isoTime(raw.created_at, fallbackTime),
  };
}

export function readClaudeConversation(raw: unknown, sourceId: string): ImportedConversation | null {
  const record = isRecord(raw) ? raw : {};
  const createdAt = isoTime(record.created_at, new Date(0).toISOString());
  const list = Array.isArray(record.chat_messages) ? record.chat_messages : [];
  // A stable sort: messages with the same time keep the export's order.
  const readings = list
    .map((message, index) => readMessage(message, index, createdAt))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  const byId = new Map(readings.map((reading) => [reading.id, reading]));
  const linked = readings.some((reading) => reading.parent !== null && byId.has(reading.parent));
  const parentOf = (index: number): string | null => {
    const reading = readings[index] as ClaudeReading;
    if (linked) return reading.parent !== null && byId.has(reading.parent) ? reading.parent : null;
    return index === 0 ? null : (readings[index - 1] as ClaudeReading).id;
  };
  const parents = new Map(readings.map((reading, index) => [reading.id, parentOf(index)]));
  const order = treeOrder(
    readings.map((reading) => reading.id),
    (id) => parents.get(id) ?? null,
  );
  const keptAncestor = new Map<string, string | null>();
  const pending = new Map<string, string[]>();
  const messages: ImportedMessage[] = [];
  for (const id of order) {
    const reading = byId.get(id) as ClaudeReading;
    const parent = parents.get(id) ?? null;
    const parentKept = parent === null ? null : (keptAncestor.get(parent) ?? null);
    const notes = [...(parent === null ? [] : (pending.get(parent) ?? [])), ...reading.notes];
    if (reading.role !== null && reading.content.trim() !== '') {
      messages.push({
        sourceId: id,
        parentSourceId: parentKept,
        role: reading.role,
        content: reading.content,
        thinking: reading.thinking,
        createdAt: reading.createdAt,
        ...(notes.length > 0 ? { note: notes.join('\n\n') } : {}),
      });
      keptAncestor.set(id, id);
      pending.set(id, []);
    } else {
      keptAncestor.set(id, parentKept);
      pending.set(id, notes);
    }
  }
  if (messages.length === 0) return null;
  const leafId =
    typeof record.current_leaf_message_uuid === 'string' ? record.current_leaf_message_uuid : null;
  const lastKept = [...messages]
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
    .pop();
  return {
    sourceId,
    title: typeof record.name === 'string' && record.name.trim() !== '' ? record.name : null,
    createdAt,
    updatedAt: isoTime(record.updated_at, createdAt),
    currentLeafSourceId: (leafId === null ? null : keptAncestor.get(leafId)) ?? lastKept?.sourceId ?? null,
    messages,
  };
}
