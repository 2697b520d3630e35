// jsdom lacks a few browser APIs that Mantine and the app use.
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { HANG_MS } from '../fixtures/wait-for.js';

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
