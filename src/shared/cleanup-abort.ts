/**
 * The reason LightChat's own clean-up aborts carry (a provider request that finished or was left, a
 * response body let go): one AbortError, built once. `abort()` and `cancel()` without a reason build
 * a DOMException each time, stack trace and all: four per short chat, about 4 % of the server's CPU
 * in bench row 2. It is an AbortError as before, for whatever reads it (fetch rejects with it, the
 * SDKs test its name).
 */
export const CLEANUP_ABORT: DOMException = new DOMException(
  'The request is over: it finished, or its reader left.',
  'AbortError',
);
