// jsdom lacks a few browser APIs that Mantine and the app use.
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { HANG_MS } from '../fixtures/wait-for.js';

// The renderer's files share their worker and its jsdom (`isolate: false`: a worker and a jsdom per
// file cost more than most files' tests). This file runs again before each of them: each starts with
// the app's modules evaluated afresh (its `vi.mock`s apply, no module state of another file), real
// timers, and an empty page and storage. The packages (React, Mantine) stay loaded.
vi.resetModules();
vi.useRealTimers();
document.head.replaceChildren();
document.body.replaceChildren();
for (const attribute of [...document.documentElement.attributes]) {
  document.documentElement.removeAttribute(attribute.name);
}
window.localStorage.clear();
window.sessionStorage.clear();
window.history.replaceState(null, '', '/');

// findBy* and waitFor give up after 1 s by default: a loaded CI can take that long to render. Their
// deadline only stops a hung test.
configure({ asyncUtilTimeout: HANG_MS });

afterEach(() => {
  cleanup();
  window.sessionStorage.clear();
});

if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

class NoopResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= NoopResizeObserver as unknown as typeof ResizeObserver;

Element.prototype.scrollIntoView ??= () => {};

// Mantine's autosize Textarea listens for web fonts loading.
if (!('fonts' in document)) {
  Object.defineProperty(document, 'fonts', {
    value: { addEventListener: () => {}, removeEventListener: () => {}, ready: Promise.resolve() },
  });
}
