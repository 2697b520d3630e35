/**
 * The built index.html preloads the app's bundle with this attribute on its `modulepreload` link
 * instead of running it from a script tag (electron.vite.config.ts): early.ts imports it.
 */
export const APP_ENTRY_ATTRIBUTE = 'data-lc-app';
/** The bundle evaluates after this long at most when the shell's answers are slow. */
export const APP_START_LIMIT_MS = 300;

/**
 * Evaluates the app's bundle once the shell has been painted (or would not be shown), within
 * `APP_START_LIMIT_MS`. Run from a script tag, the bundle's evaluation (~60 ms of CPU on this 2-core
 * machine when quiet, 160 ms loaded, one task) often began just before the first page was answered,
 * and the shell's rows waited for it to end before they could be painted (bench 10j: the sidebar's
 * first paint). It has downloaded (and compiled) meanwhile: only its evaluation waits. Without an
 * entry (the dev server's page runs the app from its own script tag) nothing is started.
 */
export function startAppAfter(
  shellPainted: Promise<void>,
  options: { entry: string | null; load: (url: string) => Promise<unknown> },
): void {
  const { entry, load } = options;
  if (entry === null) return;
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    void load(entry);
  };
  const limit = setTimeout(start, APP_START_LIMIT_MS);
  void shellPainted.finally(() => {
    clearTimeout(limit);
    start();
  });
}
