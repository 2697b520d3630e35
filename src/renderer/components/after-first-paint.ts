let painted: Promise<void> | undefined;

/**
 * Resolves once the page has painted its first content (the task after its first contentful paint;
 * where the browser does not report paints, its first animation frame). Lazy parts of the first
 * screen wait for it before asking for their chunks: asked for during the first render, their
 * requests and their evaluation competed with the first paint. A hidden tab paints nothing until it
 * is shown: there they load at once.
 */
export function afterFirstPaint(): Promise<void> {
  painted ??= new Promise((resolve) => {
    const done = () => setTimeout(resolve, 0);
    if (document.visibilityState === 'hidden') resolve();
    else if (
      typeof PerformanceObserver !== 'undefined' &&
      PerformanceObserver.supportedEntryTypes?.includes('paint')
    ) {
      const observer = new PerformanceObserver((entries) => {
        if (entries.getEntriesByName('first-contentful-paint').length === 0) return;
        observer.disconnect();
        done();
      });
      observer.observe({ type: 'paint', buffered: true });
    } else requestAnimationFrame(done);
  });
  return painted;
}
