import type { ChatEvent } from '../../domain/chat.js';

/**
 * The events of one chat that its subscriber has not taken yet. Texts of one kind in a row are
 * joined, so a subscriber that falls behind gets one event for what waited (as REST's ChatSseWriter
 * does), never a delay: `take` answers as soon as anything is there. The chat's first text is
 * never joined (the subscriber sees it as it came). The terminal event comes last.
 */
export class ChatEventQueue {
  private waiting: ChatEvent[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  /** Texts before this index are not joined onto (the first text, once queued). */
  private joinFrom = 0;
  private firstText = true;

  /** True once the terminal event (or the end) was queued. */
  get finished(): boolean {
    return this.ended;
  }

  push(event: ChatEvent): void {
    if (this.ended) return;
    if (event.type !== 'token' && event.type !== 'thinking') {
      this.waiting.push(event);
    } else {
      const last = this.waiting.length > this.joinFrom ? this.waiting.at(-1) : undefined;
      if (last?.type === event.type) last.text += event.text;
      // A copy: the joining above must not change an event its producer still holds.
      else this.waiting.push({ ...event });
      if (this.firstText) {
        this.firstText = false;
        this.joinFrom = this.waiting.length;
      }
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
    this.joinFrom = 0;
    return events;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
