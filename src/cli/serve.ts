import type { HttpServer } from '../adapters/api/http-server.js';
import type { LightChat } from '../app/create-lightchat.js';
import type { ProviderOverlay } from '../domain/services/provider-registry.js';

export interface ServeOptions {
  port?: string;
  config?: string;
  logDir?: string;
  log: boolean;
  /** `--data-dir`: where lightchat.db lives. */
  dataDir?: string;
  /** `--no-history` gives false. */
  history: boolean;
  demo: boolean;
  /** `--no-auth` / `LIGHTCHAT_NO_AUTH=1` give false. */
  auth: boolean;
}

/** SIGINT/SIGTERM must end the process within 2 s (CONTRACT section 1), whatever hangs. */
const SHUTDOWN_DEADLINE_MS = 1_800;

/** `lightchat serve`: the core, the HTTP API and the web UI on 127.0.0.1 until SIGINT/SIGTERM. */
export async function serve(options: ServeOptions): Promise<number> {
  const port = parsePort(options.port);
  if (port === null) {
    console.error(`lightchat: --port must be a number from 1 to 65535 (got "${options.port}").`);
    return 1;
  }
  const demo = options.demo ? await startDemoProvider() : undefined;
  const { createLightChat } = await import('../app/create-lightchat.js');
  // The core starts (its store's worker thread at once) while the HTTP server's code loads: the two
  // overlap (bench row 6).
  const [started, loaded] = await Promise.allSettled([
    createLightChat({
      settingsPath: options.config,
      logDir: options.logDir,
      logging: options.log ? undefined : false,
      dataDir: options.dataDir,
      history: options.history,
      port,
      auth: options.auth ? undefined : false,
      overlays: demo ? [demo.overlay] : [],
    }),
    import('../adapters/api/http-server.js'),
  ]);
  if (started.status === 'rejected' || loaded.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.close();
    await demo?.close(); // or its server would keep the process alive
    throw started.status === 'rejected' ? started.reason : (loaded as PromiseRejectedResult).reason;
  }
  const core: LightChat = started.value;
  const { startHttpServer } = loaded.value;
  const listenPort = core.settings.effective().api.port;

  let server: HttpServer;
  try {
    server = await startHttpServer({ core, port: listenPort });
  } catch (error) {
    await core.close();
    await demo?.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(
        `lightchat: port ${listenPort} is already in use on 127.0.0.1. Stop the program using it, or pick another port with --port (e.g. --port ${listenPort + 1}).`,
      );
      return 1;
    }
    throw error;
  }

  console.log(`LightChat listening on ${server.url}${demo ? ' (demo)' : ''}`);
  if (core.settings.effective().api.auth) {
    // The one line a new user needs (CONTRACT section 1): the link carries the token in its fragment.
    console.log(`Open ${server.url}/#token=${core.apiToken.current()}`);
  } else {
    const why = options.auth ? 'api.auth is false in settings.yaml' : '--no-auth';
    console.error(
      `lightchat: WARNING: the API token is off (${why}). Any program or user on this machine can now read your chats and settings, spend your provider keys and change your settings through ${server.url}. Turn it back on unless you know every local user and program.`,
    );
  }

  return new Promise<number>((resolve) => {
    const shutdown = () => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      setTimeout(() => {
        console.error('lightchat: shutdown took too long; exiting.');
        process.exit(0);
      }, SHUTDOWN_DEADLINE_MS).unref();
      void (async () => {
        await server.close();
        await core.close(); // flushes the log
        await demo?.close();
        resolve(0);
      })();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}

/** The fake Ollama of `--demo` on a free loopback port, and the provider that points at it. */
async function startDemoProvider(): Promise<{ overlay: ProviderOverlay; close(): Promise<void> }> {
  const { DEMO_MODEL, startFakeOllama } = await import('../demo/fake-ollama.js');
  const { DEMO_LIBRARY } = await import('../demo/fake-ollama-models.js');
  const fake = await startFakeOllama({
    // Pulls take a few seconds, so the progress bar has something to show.
    library: DEMO_LIBRARY,
    pullSteps: 20,
    pullStepMs: 150,
    // The demo model can use tools: with an MCP server added, "list files" shows a tool call.
    includeDemoModel: false,
    models: [{ ...DEMO_MODEL, tools: true }],
  });
  return {
    overlay: {
      config: {
        id: 'demo',
        name: 'Demo — no real model',
        type: 'ollama',
        host: fake.url,
        defaultModel: 'demo',
        systemPrompt: null,
      },
      makeDefault: true,
    },
    close: () => fake.close(),
  };
}

/** undefined: not given (settings decide); null: not a port. */
function parsePort(raw: string | undefined): number | undefined | null {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) return null;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? port : null;
}
