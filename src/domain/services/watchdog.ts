/**
 * `setTimeout` holds at most 2^31−1 ms; a longer delay fires after 1 ms (with a warning). Longer
 * limits (a huge `timeout_s`) wait in steps of this size.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** One timer per request, re-armed lazily: no timer work per token. */
export class Watchdog {
  fired = false;
  private last: number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly limitMs: () => number,
    private readonly now: () => number,
    private readonly onFire: () => void,
  ) {
    this.last = now();
    this.arm(limitMs());
  }

  feed(): void {
    this.last = this.now();
  }

  /** The limit changed (first chunk: from the first-token timeout to the idle timeout). */
  restart(): void {
    this.stop();
    this.feed();
    this.arm(this.limitMs());
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(
      () => {
        const left = this.limitMs() - (this.now() - this.last);
        if (left > 1) return this.arm(left);
        this.fired = true;
        this.onFire();
      },
      Math.min(ms, MAX_TIMER_MS),
    );
  }
}
