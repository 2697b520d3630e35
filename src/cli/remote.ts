import { createLightChatClient, errorCodeOf, type LightChatClient } from '../client/index.js';

/** The typed client for the commands that talk to a running server. */
export const connect = (url: string): LightChatClient => createLightChatClient({ url });

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EADDRNOTAVAIL']);

/** True when nothing answered at all (no server), as opposed to an error the server sent. */
function isNoServer(error: unknown): boolean {
  if (errorCodeOf(error) !== undefined) return false;
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
    if (cause.message === 'fetch failed') return true;
  }
  return false;
}

/** Prints a failure as one line a user can act on; returns the exit code. */
export function reportFailure(error: unknown, url: string): number {
  if (isNoServer(error)) {
    console.error(`lightchat: no LightChat server answers at ${url} — start it with \`npm run serve\`.`);
    return 3;
  }
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  console.error(`lightchat: ${message}${code ? ` (${code})` : ''}`);
  return 1;
}
