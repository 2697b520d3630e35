import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, uuidV7 } from '../../src/domain/ids.js';
import { firstLineTitle } from '../../src/domain/services/conversation-title.js';
import { ConversationTree } from '../../src/domain/services/conversation-tree.js';

describe('uuidV7', () => {
  it('is a version 7 UUID whose first 48 bits are the time; ids sort by creation, also within one millisecond', () => {
    const id = uuidV7(0x0190_1234_5678);
    expect(id).toMatch(UUID_PATTERN);
    expect(id.slice(0, 13)).toBe('01901234-5678');
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(uuidV7(1000) < uuidV7(2000)).toBe(true);
    const same = [uuidV7(9_000_000), uuidV7(9_000_000), uuidV7(8_999_999)];
    expect([...same].sort()).toEqual(same);
    expect(new Set(same).size).toBe(3);
  });
});

describe('firstLineTitle', () => {
  it('takes the first non-blank line, at most 80 characters, never splitting a character', () => {
    expect(firstLineTitle('\n\n  Hello   world \nsecond')).toBe('Hello world');
    expect(firstLineTitle('   \n ')).toBeNull();
    const long = firstLineTitle('😀'.repeat(100)) as string;
    expect(Array.from(long)).toHaveLength(80);
    expect(long.endsWith('😀…')).toBe(true);
    expect(firstLineTitle('x'.repeat(80))).toBe('x'.repeat(80));
  });
});

describe('ConversationTree', () => {
  // a ─ b ─ c
  //   └ d ─ e      (d is a newer version of b)
  const node = (id: string, parentId: string | null, seq: number) => ({
    id,
    parentId,
    seq,
    role: 'user' as const,
    status: 'done' as const,
  });
  const tree = new ConversationTree([
    node('e', 'd', 5),
    node('a', null, 1),
    node('b', 'a', 2),
    node('c', 'b', 3),
    node('d', 'a', 4),
  ]);

  it('descends to the newest leaf, and walks the branch through a message', () => {
    expect(tree.newestLeaf('a')).toBe('e');
    expect(tree.newestLeaf(null)).toBe('e');
    expect(tree.branchThrough('b')).toEqual(['a', 'b', 'c']);
    expect(tree.pathTo('e')).toEqual(['a', 'd', 'e']);
    expect(tree.siblingIds('d')).toEqual(['b', 'd']);
  });

  it('removes a message with everything below it and picks the leaf that remains', () => {
    const removed = new Set(tree.subtree('d'));
    expect([...removed].sort()).toEqual(['d', 'e']);
    expect(tree.leafAfterRemoval('e', removed, 'a')).toBe('c');
    expect(tree.leafAfterRemoval('c', removed, 'a')).toBe('c');
    expect(tree.leafAfterRemoval('e', new Set(tree.subtree('a')), null)).toBeNull();
  });
});
