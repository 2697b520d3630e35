import type { MessageNode } from '../ports/conversation-store.port.js';

/**
 * The message tree of one conversation: editing or regenerating adds a sibling, and the
 * conversation shows one branch, from the root to a leaf.
 */
export class ConversationTree {
  private readonly byId = new Map<string, MessageNode>();
  private readonly children = new Map<string | null, MessageNode[]>();

  constructor(nodes: readonly MessageNode[]) {
    for (const node of [...nodes].sort((a, b) => a.seq - b.seq)) {
      this.byId.set(node.id, node);
      const siblings = this.children.get(node.parentId) ?? [];
      siblings.push(node);
      this.children.set(node.parentId, siblings);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): MessageNode | undefined {
    return this.byId.get(id);
  }

  /** Every version at this message's place, oldest first, itself included. */
  siblingIds(id: string): string[] {
    const node = this.byId.get(id);
    if (!node) return [];
    return (this.children.get(node.parentId) ?? []).map((sibling) => sibling.id);
  }

  /** From `id` down to its newest leaf, taking the newest child at each step. */
  newestLeaf(id: string | null): string | null {
    let current = id;
    for (;;) {
      const kids = this.children.get(current);
      const newest = kids?.[kids.length - 1];
      if (!newest) return current;
      current = newest.id;
    }
  }

  /** Root first, ending at `id`. */
  pathTo(id: string | null): string[] {
    const path: string[] = [];
    for (let node = id === null ? undefined : this.byId.get(id); node; ) {
      path.push(node.id);
      node = node.parentId === null ? undefined : this.byId.get(node.parentId);
    }
    return path.reverse();
  }

  /** The branch through `id`: from the root to it, then on to its newest leaf. */
  branchThrough(id: string): string[] {
    return this.pathTo(this.newestLeaf(id));
  }

  /** `id` and everything below it, on every branch. */
  subtree(id: string): string[] {
    const ids: string[] = [];
    const pending = [id];
    while (pending.length > 0) {
      const current = pending.pop() as string;
      ids.push(current);
      for (const child of this.children.get(current) ?? []) pending.push(child.id);
    }
    return ids;
  }

  /** The leaf that remains shown after `removed` go: the current one, else the newest under `fallback`. */
  leafAfterRemoval(
    current: string | null,
    removed: ReadonlySet<string>,
    fallback: string | null,
  ): string | null {
    if (current !== null && !removed.has(current)) return current;
    let at = fallback;
    for (;;) {
      const kids = (this.children.get(at) ?? []).filter((kid) => !removed.has(kid.id));
      const newest = kids[kids.length - 1];
      if (!newest) return at;
      at = newest.id;
    }
  }
}
