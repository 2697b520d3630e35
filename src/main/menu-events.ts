import { z } from 'zod';
import { subscriptionQueue } from '../shared/async-queue.js';

/** Menu items whose action happens in the page (`desktop.menuEvents`). */
export const menuActionSchema = z.enum(['new-chat', 'open-settings', 'check-for-updates']);
export type MenuAction = z.infer<typeof menuActionSchema>;

/** Native menu clicks, relayed to every open page through a subscription. */
export class MenuEvents {
  private readonly listeners = new Set<(action: MenuAction) => void>();

  /** Open streams: a page's subscription is live once this counts it (tests wait for that). */
  get listening(): number {
    return this.listeners.size;
  }

  emit(action: MenuAction): void {
    for (const listener of this.listeners) listener(action);
  }

  stream(signal: AbortSignal): AsyncIterable<{ action: MenuAction }> {
    return subscriptionQueue((push) => {
      const listener = (action: MenuAction) => push({ action });
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    }, signal);
  }
}
