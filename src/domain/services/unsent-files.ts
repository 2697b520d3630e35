import type { ConversationService } from './conversation-service.js';

/** A file no message uses is removed this long after its upload (it was uploaded, then never sent). */
export const UNSENT_FILE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** How often the files are looked at again while LightChat runs. */
export const UNSENT_FILE_SWEEP_MS = 24 * 60 * 60 * 1000;

export interface UnsentFilesDeps {
  conversations: Pick<ConversationService, 'removeUnsentFiles'>;
  now?: () => number;
  /** Told which files went (the log). */
  onRemoved?: (ids: string[]) => void;
}

/**
 * Removes uploaded files that no message uses once they are a day old: at start-up, then daily.
 * A file a stored or temporary message references is never removed (the conversations decide).
 */
export function cleanUnsentFiles(deps: UnsentFilesDeps): { close(): void } {
  const now = deps.now ?? Date.now;
  let busy = false;
  // One sweep at a time: a slow disk must not stack them up.
  const sweep = async () => {
    if (busy) return;
    busy = true;
    try {
      const removed = await deps.conversations.removeUnsentFiles(now() - UNSENT_FILE_MAX_AGE_MS);
      if (removed.length > 0) deps.onRemoved?.(removed);
    } catch {
      // Left for the next sweep: a file kept costs disk space only.
    } finally {
      busy = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), UNSENT_FILE_SWEEP_MS);
  // The sweep must never keep a process alive (`serve` exits on close; tests end).
  (timer as { unref?: () => void }).unref?.();
  return { close: () => clearInterval(timer) };
}
