import type { AppError } from '../errors.js';

/** Longest `Retry-After` we wait for before the one retry (CONTRACT section 3). */
export const MAX_RETRY_AFTER_S = 10;

/**
 * Whether a failure **before the first chunk** is tried once more: connection refused/reset, 5xx,
 * 429 with a short (or no) Retry-After, a timeout against a non-loopback host. Never other 4xx.
 */
export function shouldRetry(error: AppError, target: { loopback: boolean }): boolean {
  switch (error.failure) {
    case 'connection':
    case 'server':
      return true;
    case 'rate_limit':
      return error.retryAfterS === undefined || error.retryAfterS <= MAX_RETRY_AFTER_S;
    case 'timeout':
      return !target.loopback;
    default:
      return false;
  }
}

/** Milliseconds to wait before the retry. */
export const retryDelayMs = (error: AppError): number =>
  error.failure === 'rate_limit' && error.retryAfterS !== undefined ? error.retryAfterS * 1000 : 250;
