import type { Store } from './state/store';

/**
 * Resolves when every part has settled, or after `limitMs` whatever is still missing: the app's
 * first commit waits for what the first screen shows (the sidebar's list, its code, whether history
 * is available), so that it is one commit with the list in it, not the page, then a loader, then the
 * list (three renders). Those requests leave before the app's bundle has evaluated
 * (early-requests.ts) and are usually answered by then; the limit keeps a slow server from holding
 * back the rest of the page.
 */
export function firstCommitReady(parts: readonly Promise<unknown>[], limitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, limitMs);
    void Promise.allSettled(parts).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves once the store's value passes `settled` (at once if it already does). */
export function whenStore<T>(store: Store<T>, settled: (value: T) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (settled(store.get())) {
      resolve();
      return;
    }
    const stop = store.subscribe(() => {
      if (!settled(store.get())) return;
      stop();
      resolve();
    });
  });
}
