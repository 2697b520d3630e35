// The Electron main process: wires the real modules into the desktop host (src/main/desktop-app.ts).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog } from 'electron';
import { shellEnv } from 'shell-env';
import { startHttpServer } from '../adapters/api/http-server.js';
import { createLightChat } from '../app/create-lightchat.js';
import { startDesktopApp } from './desktop-app.js';
import { hasUpdateConfig } from './updater.js';

startDesktopApp({
  platform: process.platform,
  env: process.env,
  mainDir: dirname(fileURLToPath(import.meta.url)),
  // The same paths table as `serve` (CONTRACT section 1), not Electron's app.getPath defaults.
  createCore: ({ env, systemProxy }) => createLightChat({ env, systemProxy }),
  startHttpServer,
  loadShellEnv: () => shellEnv(),
  async loadAutoUpdater() {
    const { default: updater } = await import('electron-updater');
    return updater.autoUpdater;
  },
  canSelfUpdate: () => hasUpdateConfig(process.resourcesPath),
}).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('LightChat could not start', message);
  app.exit(1);
});
