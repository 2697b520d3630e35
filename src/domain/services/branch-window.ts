import { z } from 'zod';
import { invalidInput, messageNotFound } from './history-errors.js';

/**
 * Part of a branch, for a page that shows a long conversation a window at a time: its `last` N
 * messages, ending just before the message `before` when given. Without either, the whole branch
 * (what scripts have always had).
 */
export interface BranchWindow {
  last?: number;
  before?: string;
}

const lastSchema = z.number().int().min(1, 'last must be at least 1').optional();

/** The window's `last`, checked (a clear error for 0, 1.5…). */
export function windowSize(window: BranchWindow): number | undefined {
  const last = lastSchema.safeParse(window.last);
  if (!last.success) throw invalidInput('window (last)', last.error);
  return last.data;
}

/** The ids of the window of `branch` (root first), and how many messages of the branch come before it. */
export function windowOf(
  conversationId: string,
  branch: readonly string[],
  window: BranchWindow,
): { ids: readonly string[]; earlier: number } {
  const last = windowSize(window);
  let end = branch.length;
  if (window.before !== undefined) {
    end = branch.indexOf(window.before);
    if (end < 0) throw messageNotFound(conversationId, window.before, 'before');
  }
  const start = last === undefined ? 0 : Math.max(0, end - last);
  return { ids: start === 0 && end === branch.length ? branch : branch.slice(start, end), earlier: start };
}
