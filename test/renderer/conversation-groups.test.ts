import { describe, expect, it } from 'vitest';
import { type Conversation, newConversation } from '../../src/domain/conversation';
import { groupOf, listRows, titleOf } from '../../src/renderer/history/conversation-groups';

const NOW = new Date(2026, 11, 1, 15, 0, 0);

function conversation(id: string, updatedAt: Date, pinned = false): Conversation {
  return newConversation({
    id,
    title: id,
    createdAt: updatedAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    pinned,
    messageCount: 2,
  });
}

const daysAgo = (days: number, hour = 12) => new Date(2026, 11, 1 - days, hour, 0, 0);

describe('the sidebar groups', () => {
  it('puts a conversation in Today, Yesterday, Previous 7 days or Older by its last change, in local time', () => {
    expect(groupOf(conversation('a', new Date(2026, 11, 1, 0, 1)), NOW)).toBe('Today');
    expect(groupOf(conversation('b', new Date(2026, 10, 30, 23, 59)), NOW)).toBe('Yesterday');
    expect(groupOf(conversation('c', daysAgo(1, 0)), NOW)).toBe('Yesterday');
    expect(groupOf(conversation('d', daysAgo(2)), NOW)).toBe('Previous 7 days');
    expect(groupOf(conversation('e', daysAgo(7, 0)), NOW)).toBe('Previous 7 days');
    expect(groupOf(conversation('f', daysAgo(8)), NOW)).toBe('Older');
  });

  it('keeps the server order and puts pinned ones on top under their own heading', () => {
    const rows = listRows(
      [
        conversation('pinned old', daysAgo(30), true),
        conversation('today', daysAgo(0)),
        conversation('today 2', daysAgo(0, 9)),
        conversation('last week', daysAgo(3)),
        conversation('long ago', daysAgo(100)),
      ],
      NOW,
    );
    expect(rows.map((row) => (row.type === 'heading' ? `# ${row.name}` : row.conversation.id))).toEqual([
      '# Pinned',
      'pinned old',
      '# Today',
      'today',
      'today 2',
      '# Previous 7 days',
      'last week',
      '# Older',
      'long ago',
    ]);
  });

  it('names a conversation without a title', () => {
    expect(titleOf({ title: null })).toBe('New conversation');
    expect(titleOf({ title: '  ' })).toBe('New conversation');
    expect(titleOf({ title: 'Trip to Kyoto' })).toBe('Trip to Kyoto');
  });
});
