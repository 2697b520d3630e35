import type { Conversation } from '../../domain/conversation';

export type GroupName = 'Pinned' | 'Today' | 'Yesterday' | 'Previous 7 days' | 'Older';

/** One row of the sidebar's list: a group's heading or a conversation. */
export type ListRow =
  | { type: 'heading'; name: GroupName }
  | { type: 'conversation'; conversation: Conversation };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Midnight at the start of `now`'s day, in the user's time zone. */
function startOfDay(now: Date): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
}

export function groupOf(conversation: Conversation, now: Date): GroupName {
  if (conversation.pinned) return 'Pinned';
  const updated = Date.parse(conversation.updatedAt);
  const today = startOfDay(now);
  if (updated >= today) return 'Today';
  if (updated >= today - DAY_MS) return 'Yesterday';
  if (updated >= today - 7 * DAY_MS) return 'Previous 7 days';
  return 'Older';
}

/**
 * The list as the server orders it (pinned first, then newest), with a heading before each group:
 * one flat array of rows, which is what a virtualised list renders.
 */
export function listRows(conversations: Conversation[], now: Date): ListRow[] {
  const rows: ListRow[] = [];
  let current: GroupName | null = null;
  for (const conversation of conversations) {
    const group = groupOf(conversation, now);
    if (group !== current) {
      rows.push({ type: 'heading', name: group });
      current = group;
    }
    rows.push({ type: 'conversation', conversation });
  }
  return rows;
}

/** What the list shows for a conversation without a title yet. */
export const titleOf = (conversation: Pick<Conversation, 'title'>): string =>
  conversation.title?.trim() || 'New conversation';
