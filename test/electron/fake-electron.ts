/**
 * A fake `electron` module for the `electron` vitest project (vitest.config.ts aliases `electron`
 * to this file). Built on EventEmitter; every IPC message is `structuredClone`d, as real IPC does,
 * so code that passes something uncloneable fails here too. `fake` lets tests drive and inspect it.
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

// Listeners of any shape, as EventEmitter takes them.
type Listener = (...args: never[]) => unknown;
const asEmitterListener = (listener: Listener) => listener as (...args: unknown[]) => void;

export interface FakeIpcMainEvent {
  sender: FakeWebContents;
  senderFrame: { url: string } | null;
  frameId: number;
  processId: number;
}

/** The renderer side of one window's IPC (what its preload's `ipcRenderer` talks to). */
export class FakeIpcRenderer extends EventEmitter {
  constructor(private readonly contents: FakeWebContents) {
    super();
  }

  send(channel: string, ...args: unknown[]): void {
    const event: FakeIpcMainEvent = {
      sender: this.contents,
      senderFrame: this.contents.senderFrame,
      frameId: 1,
      processId: 1,
    };
    ipcMain.emit(channel, event, ...args.map((arg) => structuredClone(arg)));
  }
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly session = session.defaultSession;
  readonly renderer = new FakeIpcRenderer(this);
  /** The frame IPC appears to come from; tests set it to play a foreign frame. */
  senderFrame: { url: string } | null = { url: 'about:blank' };
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  devToolsOpened = false;
  private url = 'about:blank';
  private destroyed = false;

  get mainFrame(): { url: string } {
    return { url: this.url };
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const cloned = args.map((arg) => structuredClone(arg));
    this.renderer.emit(channel, { sender: this.renderer }, ...cloned);
  }

  load(url: string): void {
    this.url = url;
    this.senderFrame = { url };
    activePage = this;
    this.emit('did-finish-load');
  }

  getURL(): string {
    return this.url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }

  openDevTools(): void {
    this.devToolsOpened = true;
  }

  /** Plays a link click or `location = …` in the page: returns whether the main let it through. */
  navigate(url: string): boolean {
    let prevented = false;
    const event = { url, preventDefault: () => (prevented = true) };
    this.emit('will-navigate', event, url);
    return !prevented;
  }

  /** Plays `window.open(url)`: the handler's answer. */
  open(url: string): { action: 'allow' | 'deny' } {
    if (!this.windowOpenHandler) return { action: 'allow' };
    return this.windowOpenHandler({ url });
  }

  /** Plays a reload of the page (same webContents, new document). */
  reload(): void {
    this.emit('did-start-navigation', { url: this.url, isMainFrame: true, isSameDocument: false });
  }
}

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

const windows = new Set<FakeBrowserWindow>();

export class FakeBrowserWindow extends EventEmitter {
  static getAllWindows(): FakeBrowserWindow[] {
    return [...windows];
  }

  readonly webContents = new FakeWebContents();
  bounds: Rectangle;
  minimized = false;
  maximized = false;
  focused = false;
  visible = false;
  private destroyed = false;

  constructor(readonly options: Record<string, unknown> & Partial<Rectangle> = {}) {
    super();
    this.bounds = {
      x: options.x ?? 0,
      y: options.y ?? 0,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    windows.add(this);
  }

  async loadURL(url: string): Promise<void> {
    this.webContents.load(url);
  }

  async loadFile(path: string): Promise<void> {
    this.webContents.load(pathToFileURL(path).href);
  }

  getBounds(): Rectangle {
    return { ...this.bounds };
  }

  getNormalBounds(): Rectangle {
    return { ...this.bounds };
  }

  setBounds(bounds: Partial<Rectangle>): void {
    this.bounds = { ...this.bounds, ...bounds };
    this.emit('resize');
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  maximize(): void {
    this.maximized = true;
  }

  restore(): void {
    this.minimized = false;
  }

  minimize(): void {
    this.minimized = true;
  }

  show(): void {
    this.visible = true;
  }

  focus(): void {
    this.focused = true;
    this.emit('focus');
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  close(): void {
    if (this.destroyed) return;
    this.emit('close', { preventDefault: () => undefined });
    this.destroyed = true;
    windows.delete(this);
    this.webContents.destroy();
    this.emit('closed');
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  name = 'Electron';
  hasSingleInstanceLock = true;
  /** What `requestSingleInstanceLock` answers: false plays a second instance. */
  grantsSingleInstanceLock = true;
  quitCalls = 0;
  aboutPanelShown = 0;
  private readonly ready = Promise.resolve();

  requestSingleInstanceLock(): boolean {
    this.hasSingleInstanceLock = this.grantsSingleInstanceLock;
    return this.grantsSingleInstanceLock;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  isReady(): boolean {
    return true;
  }

  getVersion(): string {
    return '0.1.0';
  }

  getName(): string {
    return this.name;
  }

  setName(name: string): void {
    this.name = name;
  }

  getPath(name: string): string {
    return `/fake/${name}`;
  }

  getAppPath(): string {
    return '/fake/app';
  }

  setAboutPanelOptions(): void {}

  showAboutPanel(): void {
    this.aboutPanelShown += 1;
  }

  focus(): void {}

  quit(): void {
    this.quitCalls += 1;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.emit('will-quit', { preventDefault: () => undefined });
  }

  exit(): void {
    this.quitCalls += 1;
  }
}

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: Record<string, unknown>,
) => void;
type PermissionCheckHandler = (
  contents: unknown,
  permission: string,
  origin: string,
  details: Record<string, unknown>,
) => boolean;
export interface HeadersDetails {
  url: string;
  resourceType?: string;
  responseHeaders?: Record<string, string[]>;
}
type HeadersListener = (
  details: HeadersDetails,
  callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
) => void;

class FakeSession {
  /** What `resolveProxy` answers (a PAC result), as for the system's proxy settings; per URL when a function. */
  proxyRule: string | ((url: string) => string) = 'DIRECT';
  /** Every URL `resolveProxy` was asked about. */
  readonly resolvedUrls: string[] = [];
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  headersListener: HeadersListener | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener | null) => {
      this.headersListener = listener;
    },
  };

  async resolveProxy(url: string): Promise<string> {
    this.resolvedUrls.push(url);
    return typeof this.proxyRule === 'function' ? this.proxyRule(url) : this.proxyRule;
  }

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }

  /** Plays a page at `requestingUrl` asking for a permission: resolves with the answer. */
  requestPermission(permission: string, requestingUrl = 'https://example.com/'): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => handler(null, permission, resolve, { requestingUrl, isMainFrame: true }));
  }

  /** Plays Chromium checking a permission for a page at `requestingUrl` (origin as Electron passes it). */
  checkPermission(permission: string, requestingUrl: string): boolean {
    const handler = this.permissionCheckHandler;
    if (!handler) return true;
    const origin = new URL(requestingUrl).origin;
    return handler(null, permission, origin === 'null' ? 'file:///' : origin, {
      requestingUrl,
      isMainFrame: true,
    });
  }

  /** Plays a response arriving: the headers the page will see. */
  receiveHeaders(details: HeadersDetails): Promise<Record<string, string[]> | undefined> {
    const listener = this.headersListener;
    if (!listener) return Promise.resolve(details.responseHeaders);
    return new Promise((resolve) => listener(details, (response) => resolve(response.responseHeaders)));
  }
}

export interface MenuItemTemplate {
  label?: string;
  role?: string;
  type?: string;
  accelerator?: string;
  click?: (...args: unknown[]) => unknown;
  submenu?: MenuItemTemplate[];
}

export const Menu = {
  applicationMenu: null as { template: MenuItemTemplate[] } | null,
  buildFromTemplate(template: MenuItemTemplate[]): { template: MenuItemTemplate[] } {
    return { template };
  },
  setApplicationMenu(menu: { template: MenuItemTemplate[] } | null): void {
    Menu.applicationMenu = menu;
  },
};

export const dialog = {
  errors: [] as Array<{ title: string; content: string }>,
  showErrorBox(title: string, content: string): void {
    dialog.errors.push({ title, content });
  },
  async showMessageBox(): Promise<{ response: number; checkboxChecked: boolean }> {
    return { response: 0, checkboxChecked: false };
  },
};

export const nativeTheme = Object.assign(new EventEmitter(), {
  themeSource: 'system' as 'system' | 'light' | 'dark',
  shouldUseDarkColors: false,
});

export const shell = {
  opened: [] as string[],
  revealed: [] as string[],
  async openExternal(url: string): Promise<void> {
    shell.opened.push(url);
  },
  showItemInFolder(path: string): void {
    shell.revealed.push(path);
  },
  async openPath(path: string): Promise<string> {
    shell.revealed.push(path);
    return '';
  },
};

export const session = { defaultSession: new FakeSession() };

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays(): Array<{ workArea: Rectangle }> {
    return screen.displays;
  },
};
export const app = new FakeApp();
export const ipcMain = new EventEmitter();
export const BrowserWindow = FakeBrowserWindow;

let activePage: FakeWebContents | null = null;

/** The preload's `ipcRenderer`: the one of the page loaded last (the preload runs per page). */
export const ipcRenderer = {
  send(channel: string, ...args: unknown[]): void {
    requirePage().renderer.send(channel, ...args);
  },
  on(channel: string, listener: Listener): unknown {
    requirePage().renderer.on(channel, asEmitterListener(listener));
    return ipcRenderer;
  },
  removeListener(channel: string, listener: Listener): unknown {
    requirePage().renderer.removeListener(channel, asEmitterListener(listener));
    return ipcRenderer;
  },
};

function requirePage(): FakeWebContents {
  if (!activePage) throw new Error('fake electron: no page has been loaded yet');
  return activePage;
}

/** What pages see on `window` after `contextBridge.exposeInMainWorld`. */
export const mainWorld: Record<string, unknown> = {};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    if (key in mainWorld) throw new Error(`Cannot bind an API on top of an existing property: ${key}`);
    mainWorld[key] = api;
  },
};

export const webContents = {
  getAllWebContents: (): FakeWebContents[] => [...windows].map((window) => window.webContents),
};

/** Resets the module's state between tests. */
export function resetFakeElectron(): void {
  for (const window of [...windows]) window.close();
  windows.clear();
  activePage = null;
  app.removeAllListeners();
  app.isPackaged = false;
  app.name = 'Electron';
  app.grantsSingleInstanceLock = true;
  app.hasSingleInstanceLock = true;
  app.quitCalls = 0;
  app.aboutPanelShown = 0;
  ipcMain.removeAllListeners();
  session.defaultSession = new FakeSession();
  Menu.applicationMenu = null;
  dialog.errors.length = 0;
  shell.opened.length = 0;
  shell.revealed.length = 0;
  for (const key of Object.keys(mainWorld)) delete mainWorld[key];
}

export default {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeTheme,
  screen,
  session,
  shell,
  webContents,
};
