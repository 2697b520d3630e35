import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTRPCClient } from '@trpc/client';
import { startHttpServer } from '../../src/adapters/api/http-server.js';
import { createLightChat } from '../../src/app/create-lightchat.js';
import type { ChatBehaviour } from '../../src/demo/chat-behaviour.js';
import type { FakeProviderServer } from '../../src/demo/fake-http-server.js';
import { type DesktopApp, startDesktopApp } from '../../src/main/desktop-app.js';
import type { DesktopRouter } from '../../src/main/desktop-router.js';
import type { UpdateEngine } from '../../src/main/updater.js';
import { createIpcBridge } from '../../src/preload/bridge.js';
import { ipcLink } from '../../src/renderer/transport/ipc-link.js';
import { type FakeOllamaOptions, startFakeOllama } from '../fixtures/fake-ollama.js';
import { app, type FakeBrowserWindow, resetFakeElectron, session } from './fake-electron.js';

/** electron-updater's stand-in: never finds anything unless a test emits events on it. */
export class FakeAutoUpdater extends EventEmitter implements UpdateEngine {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  checks = 0;
  async checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    return null;
  }
  quitAndInstall(): void {}
}

export interface WorldOptions {
  platform?: NodeJS.Platform;
  api?: { enabled: boolean; port: number };
  behaviour?: ChatBehaviour;
  /** What the login shell would give (only read on macOS). */
  shellVars?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** Write this window-state.json before starting. */
  windowState?: unknown;
  /** `logging_enabled` in the settings file (default true). */
  logging?: boolean;
  /** The system's proxy settings: Chromium's PAC answer for a URL. */
  systemProxy?: (url: string) => string;
  /** More provider entries for settings.yaml, as YAML lines (`- id: …` then its keys). */
  providers?: string[];
  /** What the fake Ollama has installed instead of its `demo` model (which sees no images). */
  models?: FakeOllamaOptions['models'];
}

export interface DesktopWorld {
  desktop: DesktopApp;
  ollama: FakeProviderServer;
  dir: string;
  env: Record<string, string | undefined>;
  settingsPath: string;
  shellEnvCalls: number;
  window(): FakeBrowserWindow;
  /** The renderer's typed client over the window's preload bridge. */
  client(): ReturnType<typeof createTRPCClient<DesktopRouter>>;
  stop(): Promise<void>;
}

/**
 * The desktop host started on the fake `electron`, with the real core (createLightChat) reading a
 * settings file whose one provider is a fake Ollama on 127.0.0.1.
 */
export async function startDesktopWorld(options: WorldOptions = {}): Promise<DesktopWorld> {
  resetFakeElectron();
  if (options.systemProxy) session.defaultSession.proxyRule = options.systemProxy;
  const dir = mkdtempSync(join(tmpdir(), 'lightchat-desktop-'));
  const ollama = await startFakeOllama({
    behaviour: options.behaviour ?? { text: 'Hello from the fake Ollama over IPC.' },
    ...(options.models ? { models: options.models, includeDemoModel: false } : {}),
  });
  const settingsPath = join(dir, 'config', 'settings.yaml');
  mkdirSync(dirname(settingsPath), { recursive: true });
  const api = options.api ?? { enabled: false, port: 8000 };
  writeFileSync(
    settingsPath,
    [
      'default_provider: fake',
      `logging_enabled: ${options.logging ?? true}`,
      `log_dir: ${JSON.stringify(join(dir, 'logs'))}`,
      'api:',
      `  enabled: ${api.enabled}`,
      `  port: ${api.port}`,
      'providers:',
      '  - id: fake',
      '    type: ollama',
      `    host: ${ollama.url}`,
      ...(options.providers ?? []).map((line) => `  ${line}`),
      '',
    ].join('\n'),
  );
  if (options.windowState !== undefined) {
    writeFileSync(join(dirname(settingsPath), 'window-state.json'), JSON.stringify(options.windowState));
  }
  const env: Record<string, string | undefined> = { ...options.env };
  let shellEnvCalls = 0;
  const desktop = await startDesktopApp({
    platform: options.platform ?? 'linux',
    env,
    mainDir: join(dir, 'out', 'main'),
    createCore: ({ env: coreEnv, systemProxy }) =>
      createLightChat({
        settingsPath,
        env: coreEnv,
        systemProxy,
        dataDir: join(dir, 'data'),
        history: false,
      }),
    startHttpServer,
    async loadShellEnv() {
      shellEnvCalls += 1;
      return options.shellVars ?? {};
    },
    loadAutoUpdater: async () => new FakeAutoUpdater(),
    canSelfUpdate: () => false,
  });
  if (!desktop) throw new Error('the desktop app did not start (single-instance lock refused)');

  const world: DesktopWorld = {
    desktop,
    ollama,
    dir,
    env,
    settingsPath,
    get shellEnvCalls() {
      return shellEnvCalls;
    },
    window() {
      const window = desktop.window();
      if (!window) throw new Error('no window');
      return window as unknown as FakeBrowserWindow;
    },
    client() {
      const bridge = createIpcBridge(world.window().webContents.renderer);
      return createTRPCClient<DesktopRouter>({ links: [ipcLink({ bridge })] });
    },
    async stop() {
      app.quit();
      await desktop.closed;
      await ollama.close();
      resetFakeElectron();
    },
  };
  return world;
}
