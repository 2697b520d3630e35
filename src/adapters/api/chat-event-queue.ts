import type { ChatEvent } from '../../domain/chat.js';

/**
 * The events of one chat that its subscriber has not taken yet. Texts of one kind in a row are
 * joined, so a subscriber that falls behind gets one event for what waited (as REST's ChatSseWriter
 * does), never a delay: `take` answers as soon as anything is there. The terminal event comes last.
 */
export class ChatEventQueue {
  private waiting: ChatEvent[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  /** True once the terminal event (or the end) was queued. */
  get finished(): boolean {
    return this.ended;
  }

  push(event: ChatEvent): void {
    if (this.ended) return;
    const last = this.waiting.at(-1);
    if ((event.type === 'token' || event.type === 'thinking') && last?.type === event.type) {
      last.text += event.text;
    } else {
      // A copy: the joining above must not change an event its producer still holds.
      this.waiting.push(event.type === 'token' || event.type === 'thinking' ? { ...event } : event);
    }
    this.notify();
  }

  /** Queues the terminal event, if any; nothing is queued after it. */
  end(terminal?: ChatEvent): void {
    if (this.ended) return;
    if (terminal) this.waiting.push(terminal);
    this.ended = true;
    this.notify();
  }

  /** Everything waiting, in order; waits only when nothing is. Empty once the queue has ended. */
  async take(): Promise<ChatEvent[]> {
    if (this.waiting.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    const events = this.waiting;
    this.waiting = [];
    return events;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
