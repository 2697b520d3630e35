import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the window's page comes from, and how to recognise it (IPC sender checks, navigation). */
export interface RendererLocation {
  /** The URL the window loads. */
  readonly url: string;
  readonly kind: 'file' | 'dev-server';
  /** True only for our own page: the built index.html, or the dev server's origin in development. */
  isOwnUrl(url: string): boolean;
}

/**
 * The built renderer (out/renderer/index.html beside out/main) in production; electron-vite's dev
 * server (ELECTRON_RENDERER_URL) only in an unpackaged run.
 */
export function rendererLocation(input: {
  mainDir: string;
  isPackaged: boolean;
  devServerUrl?: string;
}): RendererLocation {
  if (!input.isPackaged && input.devServerUrl) {
    const origin = new URL(input.devServerUrl).origin;
    return { url: input.devServerUrl, kind: 'dev-server', isOwnUrl: (url) => originOf(url) === origin };
  }
  const page = pathToFileURL(join(input.mainDir, '..', 'renderer', 'index.html'));
  return {
    url: page.href,
    kind: 'file',
    // Same file, whatever the query or hash (client-side routes).
    isOwnUrl: (url) => {
      const parsed = parse(url);
      return parsed !== null && parsed.protocol === 'file:' && parsed.pathname === page.pathname;
    },
  };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function originOf(url: string): string | null {
  const parsed = parse(url);
  return parsed && parsed.origin !== 'null' ? parsed.origin : null;
}
