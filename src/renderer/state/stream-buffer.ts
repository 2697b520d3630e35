import type { ChatEvent } from '../../domain/chat';
import { toUiError, type UiError } from '../errors/error-message';
import type { StreamBatch } from './conversation';
import { userInputThisFrame } from './user-input';

/** Runs `flush` once, at the next chance to paint. */
export type FrameScheduler = (flush: () => void) => void;

/**
 * The next animation frame; a timer as well because a hidden tab gets no frames and the stream must
 * still end (and be saved) there.
 */
export const nextFrame: FrameScheduler = (flush) => {
  let ran = false;
  const once = () => {
    if (ran) return;
    ran = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    flush();
  };
  const frame = requestAnimationFrame(once);
  const timer = setTimeout(once, 250);
};

/** Runs `done` once the work started now (the render and the paint it causes) is over. */
export type AfterWork = (done: () => void) => void;

/** A new task: it runs after the current one, and after the frame's paint when posted from a frame. */
const nextTask: AfterWork = (done) => setTimeout(done);

/**
 * Updates wait at least this many times what the previous one cost, and never longer than the cap:
 * 2.5 updates a second at the slowest. At 250 ms, a machine whose update costs 50 ms (the bench's 4×
 * throttled CPU) spent a fifth of its main thread on the stream's renders, not a ninth.
 */
const COST_FACTOR = 8;
const MAX_INTERVAL_MS = 400;

/**
 * Animation frames, but no sooner than `minIntervalMs` after the previous flush, nor sooner than
 * eight times what the previous flush cost (its render and paint), up to 400 ms. Rendering a long
 * Markdown answer 60 times a second keeps the main thread busy for little visible gain; ~20 updates
 * a second still reads as a smooth stream. So the stream's renders take at most about a ninth of
 * the main thread on any machine (the bench's goal for the whole page is a fifth, typing included):
 * a slow one gets fewer updates, never a backlog. The first flush is never held back, except that a
 * frame drawing the user's keystroke or click is left to it: the flush waits one frame (never two).
 */
export function pacedFrames(
  minIntervalMs: number,
  afterWork: AfterWork = nextTask,
  /** Told the interval after each render (the socket worker posts no more often). */
  onInterval?: (intervalMs: number) => void,
): FrameScheduler {
  let last = Number.NEGATIVE_INFINITY;
  let cost = 0;
  return (flush) => {
    let yielded = false;
    const paint = () => {
      if (!yielded && userInputThisFrame()) {
        yielded = true;
        nextFrame(paint);
        return;
      }
      const started = performance.now();
      last = started;
      flush();
      afterWork(() => {
        cost = performance.now() - started;
        onInterval?.(Math.min(MAX_INTERVAL_MS, Math.max(minIntervalMs, COST_FACTOR * cost)));
      });
    };
    const interval = Math.min(MAX_INTERVAL_MS, Math.max(minIntervalMs, COST_FACTOR * cost));
    const wait = last + interval - performance.now();
    if (wait <= 0) nextFrame(paint);
    else setTimeout(() => nextFrame(paint), wait);
  };
}

/**
 * Collects a chat's events and hands them on at most once per frame, however fast tokens arrive:
 * one React commit per frame instead of one per token. The end of the chat goes in the same batch
 * as the text before it.
 */
export class StreamBuffer {
  private text = '';
  private thinking = '';
  private end: StreamBatch['end'] = null;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly onFlush: (batch: StreamBatch) => void,
    private readonly schedule: FrameScheduler = nextFrame,
  ) {}

  push(event: ChatEvent): void {
    if (this.closed || this.end !== null) return;
    if (event.type === 'token') this.text += event.text;
    else if (event.type === 'thinking') this.thinking += event.text;
    else if (event.type === 'done') this.end = { ...event, type: 'done' };
    else if (event.type === 'error') this.end = { type: 'error', error: toUiError(event) };
    // `start` (the chat's ids) and event types this page does not know yet change nothing here.
    else return;
    this.request();
  }

  /** The stream broke (transport error): ends the answer with this error after the text received. */
  fail(error: UiError): void {
    if (this.closed || this.end !== null) return;
    this.end = { type: 'error', error };
    this.request();
  }

  /** Hands on what is pending now (e.g. before Stop marks the answer), without waiting for a frame. */
  flushNow(): void {
    if (this.closed) return;
    if (this.text === '' && this.thinking === '' && this.end === null) return;
    const batch: StreamBatch = { text: this.text, thinking: this.thinking, end: this.end };
    this.text = '';
    this.thinking = '';
    if (this.end !== null) this.closed = true;
    this.onFlush(batch);
  }

  /** Stops handing anything on (pending text is dropped: call `flushNow` first to keep it). */
  close(): void {
    this.closed = true;
  }

  private request(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flushNow();
    });
  }
}
