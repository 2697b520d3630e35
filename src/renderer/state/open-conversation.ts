/** Where the window keeps which conversation it shows, across reloads (session storage). */
export const OPEN_CONVERSATION_KEY = 'lightchat.open';

/** Which conversation the window shows. */
export interface OpenConversation {
  /** The stored conversation, or null for a new chat that has not been sent yet. */
  id: string | null;
  /** A temporary chat: the server keeps it in memory only, never in history. */
  temporary: boolean;
  /** The conversation's own context window (`num_ctx`), when it sets one: the context meter reads it. */
  numCtx?: number;
}

export const newConversation: OpenConversation = { id: null, temporary: false };

export function isOpenConversation(value: unknown): value is OpenConversation {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (record.id === null || typeof record.id === 'string') && typeof record.temporary === 'boolean';
}

/** Whether history can be used: `unknown` until the server said; `unavailable` chats store nothing. */
export type HistoryState = 'unknown' | 'available' | 'unavailable';
