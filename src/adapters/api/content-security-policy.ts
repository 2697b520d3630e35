/**
 * The UI's one Content-Security-Policy: sent as a header by the HTTP server and the desktop window,
 * and written into the built index.html (electron.vite.config.ts) for the window's file:// page.
 * Only what Mantine needs (its inline `<style>` elements); the code highlighter uses shiki's
 * JavaScript regex engine, so no `'wasm-unsafe-eval'` (the browser test checks nothing is blocked).
 */
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  // blob: shows attached images from object URLs the page made itself (CONTRACT section 12).
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
] as const;

export const CONTENT_SECURITY_POLICY = DIRECTIVES.join('; ');

/** The same policy for a `<meta>` tag, where browsers ignore `frame-ancestors` (and say so). */
export const META_CONTENT_SECURITY_POLICY = DIRECTIVES.filter(
  (directive) => !directive.startsWith('frame-ancestors'),
).join('; ');
