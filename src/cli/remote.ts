import { createLightChatClient, errorCodeOf, type LightChatClient } from '../client/index.js';
import { type OutputStream, stripTerminalControls } from './terminal-text.js';

/** The typed client for the commands that talk to a running server; it finds the API token itself. */
export const connect = (flags: { url: string; config?: string }): LightChatClient =>
  createLightChatClient({ url: flags.url, settingsPath: flags.config });

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

/**
 * Prints a failure as one line a user can act on; returns the exit code. The message may quote a
 * provider, so a terminal gets it without control sequences.
 */
export function reportFailure(error: unknown, url: string, stderr: OutputStream = process.stderr): number {
  if (isNoServer(error)) {
    stderr.write(`lightchat: no LightChat server answers at ${url} — start it with \`npm run serve\`.\n`);
    return 3;
  }
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const shown = stderr.isTTY === true ? stripTerminalControls(message) : message;
  stderr.write(`lightchat: ${shown}${code ? ` (${code})` : ''}\n`);
  return 1;
}
