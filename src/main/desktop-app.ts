import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { app, type BrowserWindow, ipcMain, Menu, screen, session, shell } from 'electron';
import { makeLogDir } from '../adapters/logs/chatlog-files.js';
import type { SystemProxy } from '../adapters/providers/http.js';
import type { LightChat } from '../app/create-lightchat.js';
import { defaultPaths } from '../app/paths.js';
import { createDesktopRouter } from './desktop-router.js';
import { HttpApi, type HttpApiServer } from './http-api.js';
import { createIpcHandler, type IpcEvent } from './ipc-handler.js';
import { menuTemplate } from './menu.js';
import { MenuEvents } from './menu-events.js';
import { rendererLocation } from './renderer-location.js';
import { hardenSession } from './security.js';
import { importLoginShellEnv } from './shell-env.js';
import { systemProxyResolver } from './system-proxy.js';
import { createUpdater, type UpdateEngine, type Updater } from './updater.js';
import { createMainWindow } from './window.js';
import { loadWindowState, saveWindowState, type WindowState } from './window-state.js';

type Env = Record<string, string | undefined>;

/** Everything the desktop host needs that is not Electron itself: real modules in index.ts, fakes in tests. */
export interface DesktopAppOptions {
  platform: NodeJS.Platform;
  env: Env;
  /** out/main: the preload and the renderer are found beside it. */
  mainDir: string;
  /** `createLightChat` (with the paths table of `serve`). */
  createCore(options: { env: Env; systemProxy: SystemProxy | undefined }): Promise<LightChat>;
  startHttpServer(options: { core: LightChat; port: number; staticDir: string }): Promise<HttpApiServer>;
  /** shell-env's `shellEnv`; only called on macOS. */
  loadShellEnv(): Promise<Readonly<Record<string, string>>>;
  /** electron-updater's `autoUpdater`, loaded lazily (it reads the app's files when first touched). */
  loadAutoUpdater(): Promise<UpdateEngine>;
  canSelfUpdate(): boolean;
}

export interface DesktopApp {
  core: LightChat;
  httpApi: HttpApi;
  menuEvents: MenuEvents;
  updater: Updater;
  window(): BrowserWindow | null;
  /** Resolves when the quit sequence (streams ended, logs flushed) is done. */
  closed: Promise<void>;
}

const STATE_SAVE_DELAY_MS = 500;

/**
 * The desktop host: one instance, the core with the same paths as `serve`, the window, the tRPC
 * IPC handler for the DesktopRouter, the HTTP API beside it, the menu and the updater.
 * Resolves with null when another instance already runs (that one gets focused instead).
 */
export async function startDesktopApp(options: DesktopAppOptions): Promise<DesktopApp | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  app.setName('LightChat');
  // Before anything reads the environment: keys, PATH and proxies from the login shell.
  const shellEnv = await importLoginShellEnv({
    platform: options.platform,
    env: options.env,
    loadShellEnv: options.loadShellEnv,
  });
  await app.whenReady();
  const systemProxy = systemProxyResolver({
    env: options.env,
    resolveProxy: (url) => session.defaultSession.resolveProxy(url),
  });

  const core = await options.createCore({ env: options.env, systemProxy: systemProxy ?? undefined });
  if (shellEnv.imported || shellEnv.reason === 'failed') {
    core.logs.append({
      role: shellEnv.imported ? 'system' : 'error',
      content: shellEnv.imported
        ? 'Imported the login shell environment'
        : `Could not read the login shell environment: ${shellEnv.message}`,
      eventType: 'shell_env',
      details: { ...(shellEnv.imported ? { keys: shellEnv.keys } : {}), system_proxy: systemProxy !== null },
    });
  }

  const renderer = rendererLocation({
    mainDir: options.mainDir,
    isPackaged: app.isPackaged,
    devServerUrl: options.env.ELECTRON_RENDERER_URL,
  });
  hardenSession(session.defaultSession, renderer);

  const httpApi = new HttpApi({
    start: (port) =>
      options.startHttpServer({ core, port, staticDir: join(options.mainDir, '..', 'renderer') }),
    log: core.logs,
  });
  await httpApi.apply(core.settings.effective().api);
  const stopWatchingApi = core.settings.onChange(() => void httpApi.apply(core.settings.effective().api));

  const updater = createUpdater({
    autoUpdater: await options.loadAutoUpdater(),
    app,
    log: core.logs,
    isChatStreaming: () => core.chat.streaming > 0,
    canSelfUpdate: options.canSelfUpdate,
  });
  const menuEvents = new MenuEvents();
  const logDir = () =>
    core.settings.effective().logDir ??
    defaultPaths({ platform: options.platform, env: options.env, home: homedir() }).logDir;
  const closing = new AbortController();
  const browserLink = (): string | null => {
    const { url } = httpApi.status();
    if (url === null) return null;
    return core.settings.effective().api.auth ? `${url}/#token=${core.apiToken.current()}` : `${url}/`;
  };
  const router = createDesktopRouter(
    core,
    {
      updater,
      menuEvents,
      httpApi: () => httpApi.status(),
      browserLink,
      async revealSettingsFile() {
        shell.showItemInFolder(core.settings.path);
      },
      async revealLogsFolder() {
        const dir = logDir();
        await makeLogDir(dir);
        shell.showItemInFolder(dir);
      },
    },
    { closing: closing.signal },
  );
  const ipc = createIpcHandler({
    router,
    ipcMain,
    // GHSA-mq8j-3h7h-p8g7: only our own page may drive the core, never a frame or page it navigated to.
    isTrustedSender: (event: IpcEvent) =>
      event.senderFrame !== null && renderer.isOwnUrl(event.senderFrame.url),
    createContext: () => ({}),
    onRefused: ({ reason, url }) =>
      core.logs.append({
        role: 'error',
        content: `Refused an IPC message (${reason})`,
        eventType: 'ipc_refused',
        details: { url: url?.slice(0, 200) ?? null },
      }),
  });

  const statePath = join(dirname(core.settings.path), 'window-state.json');
  const displays = () => screen.getAllDisplays().map((display) => display.workArea);
  let window: BrowserWindow | null = null;
  let pendingState: WindowState | null = null;
  let stateTimer: ReturnType<typeof setTimeout> | undefined;
  const flushState = async () => {
    clearTimeout(stateTimer);
    const state = pendingState;
    pendingState = null;
    if (state) await saveWindowState(statePath, state).catch(() => undefined);
  };
  const openWindow = async (): Promise<BrowserWindow> => {
    const created = createMainWindow({
      renderer,
      preloadPath: join(options.mainDir, '..', 'preload', 'index.cjs'),
      state: await loadWindowState(statePath, displays()),
      onStateChange(state) {
        pendingState = state;
        clearTimeout(stateTimer);
        stateTimer = setTimeout(() => void flushState(), STATE_SAVE_DELAY_MS);
      },
    });
    created.on('closed', () => {
      void flushState();
      if (window === created) window = null;
    });
    window = created;
    return created;
  };
  const showWindow = async () => {
    const target = window && !window.isDestroyed() ? window : await openWindow();
    if (target.isMinimized()) target.restore();
    target.show();
    target.focus();
  };

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        platform: options.platform,
        isPackaged: app.isPackaged,
        actions: {
          about: () => app.showAboutPanel(),
          newChat: () => menuEvents.emit('new-chat'),
          settings: () => menuEvents.emit('open-settings'),
          openInBrowser: () => {
            const link = browserLink();
            // Without the HTTP API there is no page to open: Settings says why it is not running.
            if (link) void shell.openExternal(link);
            else menuEvents.emit('open-settings');
          },
          checkForUpdates: () => {
            menuEvents.emit('check-for-updates');
            void updater.checkNow();
          },
        },
      }),
    ),
  );

  // A second launch (Finder, dock, command line) brings the running window forward instead.
  app.on('second-instance', () => void showWindow());
  app.on('activate', () => void showWindow());
  app.on('window-all-closed', () => {
    if (options.platform !== 'darwin') app.quit();
  });

  let shutdown: Promise<void> | null = null;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  app.on('will-quit', (event) => {
    if (shutdown) return;
    // Quit waits for open streams to end and for the logs to reach the disk.
    event.preventDefault();
    shutdown = (async () => {
      closing.abort();
      ipc.close();
      stopWatchingApi();
      await Promise.allSettled([httpApi.close(), flushState()]);
      await core.close().catch(() => undefined);
      markClosed();
      app.quit();
    })();
  });

  await openWindow();
  void updater.startupCheck().catch(() => undefined);
  return { core, httpApi, menuEvents, updater, window: () => window, closed };
}
