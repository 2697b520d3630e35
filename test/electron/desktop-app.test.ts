import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/adapters/api/content-security-policy.js';
import type { ChatEvent } from '../../src/domain/chat.js';
import { startDesktopApp } from '../../src/main/desktop-app.js';
import { IPC_CHANNEL } from '../../src/preload/ipc-protocol.js';
import { HANG_MS, waitFor } from '../fixtures/wait-for.js';
import { type DesktopWorld, FakeAutoUpdater, startDesktopWorld, type WorldOptions } from './desktop-world.js';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  type MenuItemTemplate,
  resetFakeElectron,
  session,
  shell,
} from './fake-electron.js';

let world: DesktopWorld | null = null;

async function start(options: WorldOptions = {}): Promise<DesktopWorld> {
  world = await startDesktopWorld(options);
  return world;
}

afterEach(async () => {
  await world?.stop();
  world = null;
  resetFakeElectron();
});

/** Runs a chat over IPC the way the renderer does: start, then subscribe to its events. */
async function chat(w: DesktopWorld, text: string): Promise<ChatEvent[]> {
  const client = w.client();
  const { chatId } = await client.chat.start.mutate({ messages: [{ role: 'user', content: text }] });
  const events: ChatEvent[] = [];
  await new Promise<void>((resolve, reject) => {
    client.chat.events.subscribe(
      { chatId },
      { onData: (event) => events.push(event), onComplete: resolve, onError: reject },
    );
  });
  return events;
}

function occupyPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

const freePort = async () => {
  const { server, port } = await occupyPort();
  await new Promise((resolve) => server.close(resolve));
  return port;
};

describe('the window', () => {
  it('is created with Electron’s secure defaults and the CommonJS preload', async () => {
    const w = await start();
    const preferences = w.window().options.webPreferences;
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: join(w.dir, 'out', 'preload', 'index.cjs'),
    });
    expect(preferences).not.toHaveProperty('enableRemoteModule');
  });

  it('loads the built renderer from out/renderer/index.html', async () => {
    const w = await start();
    expect(w.window().webContents.getURL()).toBe(
      pathToFileURL(join(w.dir, 'out', 'renderer', 'index.html')).href,
    );
  });

  it('loads the dev server only in an unpackaged run', async () => {
    const w = await start({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173/' } });
    expect(w.window().webContents.getURL()).toBe('http://localhost:5173/');
  });

  it('denies every navigation away from the page, opening allowed links in the browser', async () => {
    const w = await start();
    const contents = w.window().webContents;
    expect(contents.navigate('https://example.com/docs')).toBe(false);
    expect(contents.navigate('file:///etc/passwd')).toBe(false);
    expect(shell.opened).toEqual(['https://example.com/docs']);
  });

  it('denies window.open and opens only https: and mailto: links externally', async () => {
    const w = await start();
    const contents = w.window().webContents;
    for (const url of [
      'https://ollama.com/library',
      'mailto:team@example.com',
      'http://example.com/',
      'file:///Applications/Calculator.app',
      'javascript:alert(1)',
      'smb://attacker/share',
    ]) {
      expect(contents.open(url)).toEqual({ action: 'deny' });
    }
    expect(shell.opened).toEqual(['https://ollama.com/library', 'mailto:team@example.com']);
  });

  it('denies permission requests and checks', async () => {
    await start();
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      await expect(session.defaultSession.requestPermission(permission)).resolves.toBe(false);
    }
    expect(session.defaultSession.permissionCheckHandler?.(null, 'media', 'file://', {})).toBe(false);
  });

  it('lets our own page write the clipboard (Copy buttons), and no other page', async () => {
    const w = await start();
    const own = w.window().webContents.getURL();
    const { defaultSession } = session;
    await expect(defaultSession.requestPermission('clipboard-sanitized-write', own)).resolves.toBe(true);
    expect(defaultSession.checkPermission('clipboard-sanitized-write', own)).toBe(true);
    for (const elsewhere of ['https://example.com/', 'file:///tmp/other.html']) {
      await expect(defaultSession.requestPermission('clipboard-sanitized-write', elsewhere)).resolves.toBe(
        false,
      );
      expect(defaultSession.checkPermission('clipboard-sanitized-write', elsewhere)).toBe(false);
    }
    await expect(defaultSession.requestPermission('clipboard-read', own)).resolves.toBe(false);
    expect(defaultSession.checkPermission('clipboard-read', own)).toBe(false);
    expect(defaultSession.checkPermission('media', own)).toBe(false);
  });

  it("resolves the system proxy for each provider's own host: a host the settings bypass is reached directly", async () => {
    const proxy = await startRecordingProxy();
    try {
      const w = await start({
        systemProxy: (url) =>
          url.startsWith('http://lan-box.lightchat.test') ? 'DIRECT' : `PROXY ${proxy.hostPort}`,
        providers: [
          '- id: corp',
          '  type: openai',
          '  host: http://corp-llm.lightchat.test/v1',
          '  api_key: sk-corp-test-key',
          '- id: lan',
          '  type: openai',
          '  host: http://lan-box.lightchat.test:8080/v1',
          '  api_key: sk-lan-test-key',
        ],
      });
      // The first listing loads the SDKs; on a loaded machine that can outlast the 2 s probe, so list again.
      const listed = async () => {
        for (const deadline = performance.now() + HANG_MS; ; ) {
          const providers = await w.client().providers.list.query();
          const corp = providers.find((provider) => provider.id === 'corp');
          if (corp?.status === 'ok' || performance.now() > deadline) return providers;
        }
      };
      const providers = await listed();
      expect(new Set(proxy.seen)).toEqual(new Set(['http://corp-llm.lightchat.test/v1/models']));
      expect(providers.find((provider) => provider.id === 'corp')?.status).toBe('ok');
      // Direct: the name does not resolve here, so the LAN box is unreachable, not answered by the proxy.
      expect(providers.find((provider) => provider.id === 'lan')?.status).toBe('unreachable');
      expect(session.defaultSession.resolvedUrls).toEqual(
        expect.arrayContaining(['http://corp-llm.lightchat.test/', 'http://lan-box.lightchat.test:8080/']),
      );
    } finally {
      await proxy.close();
    }
  });

  it('sends a strict Content-Security-Policy with our page', async () => {
    const w = await start();
    const headers = await session.defaultSession.receiveHeaders({
      url: w.window().webContents.getURL(),
      responseHeaders: {},
    });
    const csp = headers?.['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    // The code highlighter runs shiki's JavaScript regex engine: no eval of any kind, not even of WASM.
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  });

  it('remembers its size and position beside settings.yaml', async () => {
    const first = await start();
    const statePath = join(dirname(first.settingsPath), 'window-state.json');
    first.window().setBounds({ x: 40, y: 50, width: 900, height: 700 });
    first.window().close();
    await waitFor(() => existsSync(statePath), 'window-state.json');
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toEqual({
      x: 40,
      y: 50,
      width: 900,
      height: 700,
      maximized: false,
    });
    await first.stop();
    world = null;

    const second = await start({ windowState: { x: 40, y: 50, width: 900, height: 700, maximized: false } });
    expect(second.window().getBounds()).toEqual({ x: 40, y: 50, width: 900, height: 700 });
  });

  it('ignores a saved position that is on no screen any more', async () => {
    const w = await start({ windowState: { x: 5000, y: 4000, width: 900, height: 700 } });
    expect(w.window().options).not.toHaveProperty('x');
    expect(w.window().getBounds()).toMatchObject({ width: 900, height: 700 });
  });
});

describe('the core over IPC', () => {
  it('answers a query from the renderer through the preload bridge', async () => {
    const w = await start();
    const health = await w.client().health.query();
    expect(health).toMatchObject({ status: 'ok', defaultProvider: 'fake' });
    const providers = await w.client().providers.list.query();
    expect(providers.map((provider) => provider.id)).toEqual(['fake']);
  });

  it('streams a chat’s tokens from the provider to the renderer', async () => {
    const w = await start({ behaviour: { tokens: ['Hel', 'lo', ' over', ' IPC'] } });
    const events = await chat(w, 'Say hello');
    const tokens = events.filter((event) => event.type === 'token').map((event) => event.text);
    expect(tokens.join('')).toBe('Hello over IPC');
    expect(events.at(-1)).toMatchObject({ type: 'done', providerId: 'fake' });
  });

  it('aborts the provider request when the renderer unsubscribes mid-answer', async () => {
    const w = await start({ behaviour: { text: 'word '.repeat(400), tokensPerSecond: 50 } });
    const client = w.client();
    const { chatId } = await client.chat.start.mutate({ messages: [{ role: 'user', content: 'Talk' }] });
    const tokens: string[] = [];
    const subscription = client.chat.events.subscribe(
      { chatId },
      { onData: (event) => event.type === 'token' && tokens.push(event.text) },
    );
    await waitFor(() => tokens.length >= 3, 'first tokens');
    expect(w.ollama.stats.aborted).toBe(0);
    subscription.unsubscribe();
    await waitFor(() => w.ollama.stats.aborted === 1, 'the fake Ollama sees the abort');
    expect(w.ollama.stats.completed).toBe(0);
  });

  it('aborts the provider request when the window closes mid-answer', async () => {
    const w = await start({ behaviour: { text: 'word '.repeat(400), tokensPerSecond: 50 } });
    const client = w.client();
    const { chatId } = await client.chat.start.mutate({ messages: [{ role: 'user', content: 'Talk' }] });
    let tokens = 0;
    client.chat.events.subscribe({ chatId }, { onData: () => (tokens += 1) });
    await waitFor(() => tokens >= 2, 'first tokens');
    w.window().close();
    await waitFor(() => w.ollama.stats.aborted === 1, 'the fake Ollama sees the abort');
  });

  it('answers a foreign frame with nothing and logs the refusal', async () => {
    const w = await start();
    const contents = w.window().webContents;
    contents.senderFrame = { url: 'https://attacker.example/' };
    const client = w.client();
    let answered = false;
    let delivered = false;
    ipcMain.prependOnceListener(IPC_CHANNEL, () => {
      delivered = true;
    });
    void client.health.query().then(() => (answered = true));
    await waitFor(() => delivered, 'the foreign request reaches the main');
    // A request from our page after it: messages are handled in order, so an answer to the foreign
    // one would have come first.
    contents.senderFrame = { url: contents.getURL() };
    const recent = await w.client().logs.recent.query({ limit: 20 });
    expect(answered).toBe(false);
    expect(recent.some((entry) => entry.eventType === 'ipc_refused')).toBe(true);
  });

  it('reveals the settings file and the logs folder (IPC-only procedures)', async () => {
    const w = await start();
    await w.client().desktop.openSettingsFile.mutate();
    await w.client().desktop.openLogsFolder.mutate();
    expect(shell.revealed).toEqual([w.settingsPath, join(w.dir, 'logs')]);
  });

  it('serves the updater state and refuses an install with nothing downloaded', async () => {
    const w = await start();
    const status = await new Promise((resolve) => {
      const subscription = w.client().update.status.subscribe(undefined, {
        onData: (value) => {
          subscription.unsubscribe();
          resolve(value);
        },
      });
    });
    expect(status).toEqual({ state: 'idle' });
    await expect(w.client().update.install.mutate()).resolves.toMatchObject({
      installing: false,
      reason: 'not_ready',
    });
  });
});

function menuItem(label: string): MenuItemTemplate {
  const items = (Menu.applicationMenu?.template ?? []).flatMap((menu) => menu.submenu ?? []);
  const found = items.find((entry) => entry.label === label);
  if (!found) throw new Error(`no menu item ${label}`);
  return found;
}

describe('the native menu', () => {
  const item = menuItem;

  it('has About, Settings… (Cmd+,), Check for Updates… and New Chat (Cmd+N), with the standard macOS menus', async () => {
    await start({ platform: 'darwin' });
    expect(item('Settings…').accelerator).toBe('CmdOrCtrl+,');
    expect(item('New Chat').accelerator).toBe('CmdOrCtrl+N');
    expect(item('Check for Updates…')).toBeDefined();
    expect(item('About LightChat')).toBeDefined();
    const roles = (Menu.applicationMenu?.template ?? []).map((menu) => menu.role ?? menu.label);
    expect(roles).toEqual(['LightChat', 'File', 'editMenu', 'View', 'windowMenu']);
  });

  it('relays New Chat and Settings… to the page through desktop.menuEvents', async () => {
    const w = await start();
    const actions: string[] = [];
    const subscription = w.client().desktop.menuEvents.subscribe(undefined, {
      onData: (event) => actions.push(event.action),
    });
    await waitFor(() => w.desktop.menuEvents.listening === 1, 'the main listens for the page');
    item('New Chat').click?.();
    item('Settings…').click?.();
    await waitFor(() => actions.length === 2);
    subscription.unsubscribe();
    expect(actions).toEqual(['new-chat', 'open-settings']);
  });
});

describe('one instance', () => {
  it('quits a second instance at once', async () => {
    resetFakeElectron();
    app.grantsSingleInstanceLock = false;
    const started = await startDesktopApp({
      platform: 'linux',
      env: {},
      mainDir: '/nowhere/out/main',
      createCore: () => Promise.reject(new Error('a second instance must not start the core')),
      startHttpServer: () => Promise.reject(new Error('nor the API')),
      loadShellEnv: async () => ({}),
      loadAutoUpdater: async () => new FakeAutoUpdater(),
      canSelfUpdate: () => false,
    });
    expect(started).toBeNull();
    expect(app.quitCalls).toBe(1);
    expect(BrowserWindow.getAllWindows()).toHaveLength(0);
  });

  it('brings the first window forward when a second instance starts', async () => {
    const w = await start();
    const window = w.window();
    window.minimize();
    window.focused = false;
    app.emit('second-instance', {}, ['LightChat'], '/');
    await waitFor(() => window.focused);
    expect(window.isMinimized()).toBe(false);
    expect(BrowserWindow.getAllWindows()).toHaveLength(1);
  });

  it('opens a new window when a second instance starts after the window was closed', async () => {
    const w = await start({ platform: 'darwin' });
    w.window().close();
    expect(BrowserWindow.getAllWindows()).toHaveLength(0);
    app.emit('second-instance', {}, ['LightChat'], '/');
    await waitFor(() => BrowserWindow.getAllWindows().length === 1);
  });
});

describe('the HTTP API beside the window', () => {
  it('starts on 127.0.0.1:api.port when enabled', async () => {
    const port = await freePort();
    const w = await start({ api: { enabled: true, port } });
    expect(await w.client().desktop.status.query()).toMatchObject({
      httpApi: { enabled: true, running: true, port, url: `http://127.0.0.1:${port}`, error: null },
    });
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
  });

  it('keeps working over IPC when the port is taken, and says why', async () => {
    const { server, port } = await occupyPort();
    try {
      const w = await start({ api: { enabled: true, port } });
      const status = await w.client().desktop.status.query();
      expect(status.httpApi).toMatchObject({ enabled: true, running: false, port });
      expect(status.httpApi.error).toContain(`port ${port} is already in use`);
      const events = await chat(w, 'Still there?');
      expect(events.at(-1)?.type).toBe('done');
      const logged = await w.client().logs.recent.query({ limit: 50 });
      expect(logged.some((entry) => entry.eventType === 'api_start_failed')).toBe(true);
    } finally {
      server.close();
    }
  });

  it('Open in Browser opens the link with the API token; desktop.browserLink answers it over IPC', async () => {
    const port = await freePort();
    const w = await start({ api: { enabled: true, port } });
    const token = w.desktop.core.apiToken.current();
    const link = `http://127.0.0.1:${port}/#token=${token}`;
    expect(await w.client().desktop.browserLink.query()).toEqual({ link });
    menuItem('Open in Browser').click?.();
    expect(shell.opened).toEqual([link]);
    // The link works: the token it carries opens the API.
    const response = await fetch(`http://127.0.0.1:${port}/providers`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/providers`)).status).toBe(401);
  });

  it('has no link while the HTTP API is off: Open in Browser shows Settings instead', async () => {
    const w = await start({ api: { enabled: false, port: 1 } });
    expect(await w.client().desktop.browserLink.query()).toEqual({ link: null });
    const actions: string[] = [];
    const subscription = w.client().desktop.menuEvents.subscribe(undefined, {
      onData: (event) => actions.push(event.action),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    menuItem('Open in Browser').click?.();
    await waitFor(() => actions.length === 1);
    subscription.unsubscribe();
    expect(actions).toEqual(['open-settings']);
    expect(shell.opened).toEqual([]);
  });

  it('is not started when api.enabled is false', async () => {
    const w = await start({ api: { enabled: false, port: 1 } });
    expect((await w.client().desktop.status.query()).httpApi).toMatchObject({
      enabled: false,
      running: false,
    });
  });
});

describe('the login shell environment', () => {
  it('is imported on macOS before the core starts', async () => {
    const w = await start({
      platform: 'darwin',
      env: { PATH: '/usr/bin:/bin' },
      shellVars: { PATH: '/opt/homebrew/bin:/usr/bin:/bin', OPENAI_API_KEY: 'sk-from-zshrc' },
    });
    expect(w.shellEnvCalls).toBe(1);
    expect(w.env.PATH).toBe('/opt/homebrew/bin:/usr/bin:/bin');
    expect(w.env.OPENAI_API_KEY).toBe('sk-from-zshrc');
  });

  it('is not read on Linux or Windows', async () => {
    const w = await start({ platform: 'linux', shellVars: { OPENAI_API_KEY: 'sk-x' } });
    expect(w.shellEnvCalls).toBe(0);
    expect(w.env.OPENAI_API_KEY).toBeUndefined();
  });
});

describe('quitting', () => {
  it('closes the core, which writes the last log entry to disk', async () => {
    const w = await start();
    app.quit();
    await w.desktop.closed;
    const logDir = join(w.dir, 'logs');
    const text = readdirSync(logDir)
      .map((file) => readFileSync(join(logDir, file), 'utf8'))
      .join('');
    expect(text).toContain('app_stop');
  });
});

/** A forward proxy on 127.0.0.1 that answers `/models` itself and records the absolute URLs it was asked for. */
async function startRecordingProxy() {
  const seen: string[] = [];
  const server = createHttpServer((request, response) => {
    seen.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        object: 'list',
        data: [{ id: 'gpt-4o', object: 'model', created: 0, owned_by: 'x' }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    hostPort: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
