import type { AppError } from '../errors.js';

/** Longest `Retry-After` we wait for before the one retry (CONTRACT section 3). */
export const MAX_RETRY_AFTER_S = 10;

/** What the retry decision needs to know about the request besides its error. */
export interface RetryTarget {
  /** A local server: its first-token timeout may be a model loading, never retried. */
  loopback: boolean;
  /** A model that reasons before it answers: a long silence is normal, never retried (CONTRACT 12). */
  reasoning: boolean;
}

/**
 * Whether a failure **before the first chunk** is tried once more: connection refused/reset, 5xx,
 * 429 with a short (or no) Retry-After, a timeout against a non-loopback host of a model that does
 * not reason. Never other 4xx.
 */
export function shouldRetry(error: AppError, target: RetryTarget): boolean {
  switch (error.failure) {
    case 'connection':
    case 'server':
      return true;
    case 'rate_limit':
      return error.retryAfterS === undefined || error.retryAfterS <= MAX_RETRY_AFTER_S;
    case 'timeout':
      return !target.loopback && !target.reasoning;
    default:
      return false;
  }
}

/**
 * Milliseconds to wait before the retry: the provider's `Retry-After`; 1–2 s (jittered, so clients
 * limited together do not come back together) for a 429 that names none; 250 ms otherwise.
 */
export function retryDelayMs(error: AppError, random: () => number = Math.random): number {
  if (error.failure !== 'rate_limit') return 250;
  if (error.retryAfterS !== undefined) return error.retryAfterS * 1000;
  return 1000 + Math.floor(random() * 1000);
}
