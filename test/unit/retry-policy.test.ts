import { describe, expect, it } from 'vitest';
import { retryDelayMs, shouldRetry } from '../../src/domain/services/retry-policy.js';
import { errors } from './support/fakes.js';

describe('the retry policy', () => {
  it('waits 1–2 s, jittered, before retrying a 429 that names no Retry-After', () => {
    expect(retryDelayMs(errors.rateLimited(), () => 0)).toBe(1000);
    expect(retryDelayMs(errors.rateLimited(), () => 0.5)).toBe(1500);
    expect(retryDelayMs(errors.rateLimited(), () => 0.9999)).toBe(1999);
  });

  it("waits the provider's Retry-After, and 250 ms after other retryable failures", () => {
    expect(retryDelayMs(errors.rateLimited(3), () => 0.5)).toBe(3000);
    expect(retryDelayMs(errors.server(), () => 0.5)).toBe(250);
    expect(retryDelayMs(errors.refused(), () => 0.5)).toBe(250);
  });

  it('never retries a timeout of a reasoning model, nor one against a loopback host', () => {
    expect(shouldRetry(errors.timeout(), { loopback: false, reasoning: false })).toBe(true);
    expect(shouldRetry(errors.timeout(), { loopback: false, reasoning: true })).toBe(false);
    expect(shouldRetry(errors.timeout(), { loopback: true, reasoning: false })).toBe(false);
  });
});
