import { BrowserWindow, shell } from 'electron';
import type { RendererLocation } from './renderer-location.js';
import { hardenContents } from './security.js';
import type { WindowState } from './window-state.js';

export interface MainWindowOptions {
  renderer: RendererLocation;
  /** The CommonJS preload built by electron-vite (out/preload/index.cjs). */
  preloadPath: string;
  state: WindowState;
  /** Called with the window's size and position when it moves, resizes or closes. */
  onStateChange(state: WindowState): void;
}

/**
 * The one LightChat window, with Electron's secure defaults spelled out (none weakened): the page
 * runs sandboxed, isolated from the preload, without Node, and talks to the core over the bridge.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { state } = options;
  const window = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 560,
    minHeight: 420,
    show: false,
    title: 'LightChat',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (state.maximized) window.maximize();
  hardenContents(window.webContents, (url) => shell.openExternal(url));
  window.once('ready-to-show', () => window.show());

  const report = () => {
    if (window.isDestroyed()) return;
    const bounds = window.isMaximized() ? window.getNormalBounds() : window.getBounds();
    options.onStateChange({ ...bounds, maximized: window.isMaximized() });
  };
  window.on('resize', report);
  window.on('move', report);
  window.on('close', report);

  void window.loadURL(options.renderer.url);
  return window;
}
