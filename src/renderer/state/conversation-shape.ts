import type { Conversation, Message } from './conversation';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isMessage(value: unknown): value is Message {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.content !== 'string') return false;
  if (value.role === 'user') return true;
  return value.role === 'assistant' && typeof value.thinking === 'string' && typeof value.status === 'string';
}

/** A conversation read back from session storage: checked before use, never trusted blindly. */
export function isConversation(value: unknown): value is Conversation {
  if (!isRecord(value) || !Array.isArray(value.order) || !isRecord(value.byId)) return false;
  const byId = value.byId;
  return value.order.every((id) => typeof id === 'string' && isMessage(byId[id]));
}
