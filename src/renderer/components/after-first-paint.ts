let painted: Promise<void> | undefined;
const HIDDEN_TAB_WAIT_MS = 1000;

/**
 * Resolves once the page has painted its first frame (the task after its first animation frame).
 * Lazy parts of the first screen wait for it before asking for their chunks: asked for during the
 * first render, their requests and their evaluation competed with the first paint.
 */
export function afterFirstPaint(): Promise<void> {
  painted ??= new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    // A tab opened in the background paints no frame until shown: its parts load all the same.
    setTimeout(resolve, HIDDEN_TAB_WAIT_MS);
  });
  return painted;
}
