import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ANTHROPIC_KEY, BENCH_GEMINI_KEY, BENCH_MODEL } from '../fakes/messages.js';
import { Child } from './child.js';
import { rememberToken } from './clients.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built CLI, started with plain `node` (CONTRACT section 8: not through npm or a TypeScript loader). */
export const CLI = join(ROOT, 'bin', 'lightchat.js');
export const READY_LINE = /^LightChat listening on (http:\/\/127\.0\.0\.1:\d+)/;
/** The second line: the web UI's link with the API token in its fragment. */
const LINK_LINE = /^Open http:\/\/127\.0\.0\.1:\d+\/#token=(\S+)$/;

export const OLLAMA_PROVIDER = 'bench_ollama';
export const OPENAI_PROVIDER = 'bench_openai';
export const ANTHROPIC_PROVIDER = 'bench_anthropic';
export const GEMINI_PROVIDER = 'bench_gemini';

/** Where the fake providers listen. */
export interface ProviderUrls {
  ollamaUrl: string;
  openaiBaseUrl: string;
  anthropicUrl: string;
  geminiUrl: string;
}

/** A free loopback port (`serve` accepts 1..65535 only, so the bench picks one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function settingsYaml(urls: ProviderUrls, extraLines: readonly string[] = []): string {
  return [
    ...extraLines,
    `default_provider: ${OLLAMA_PROVIDER}`,
    'logging_enabled: true',
    // A title request after each stored chat's first answer would overlap the next measured chat.
    'history:',
    '  auto_title: false',
    'providers:',
    `  - id: ${OLLAMA_PROVIDER}`,
    '    type: ollama',
    `    host: ${urls.ollamaUrl}`,
    `    default_model: ${BENCH_MODEL}`,
    `  - id: ${OPENAI_PROVIDER}`,
    '    type: openai',
    `    host: ${urls.openaiBaseUrl}`,
    '    api_key: sk-bench-fake-key',
    `    default_model: ${BENCH_MODEL}`,
    `  - id: ${ANTHROPIC_PROVIDER}`,
    '    type: anthropic',
    `    host: ${urls.anthropicUrl}`,
    `    api_key: ${BENCH_ANTHROPIC_KEY}`,
    `    default_model: ${BENCH_MODEL}`,
    `  - id: ${GEMINI_PROVIDER}`,
    '    type: gemini',
    `    host: ${urls.geminiUrl}`,
    `    api_key: ${BENCH_GEMINI_KEY}`,
    `    default_model: ${BENCH_MODEL}`,
    '',
  ].join('\n');
}

export interface ServeOptions {
  logging: boolean;
  /** Node flags before the script (e.g. `--expose-gc`, `--inspect=…`, `--cpu-prof`). */
  nodeFlags?: readonly string[];
  /** Extra environment (e.g. `NODE_OPTIONS` stays out: the bench passes flags explicitly). */
  env?: NodeJS.ProcessEnv;
  /** Extra `serve` arguments (e.g. `--data-dir`). */
  args?: readonly string[];
  /** Keep conversations in a data directory of its own (default: `--no-history`). */
  history?: boolean;
  /** Top-level settings.yaml lines before the providers (e.g. `mcp_servers`). */
  settingsLines?: readonly string[];
}

/** `node bin/lightchat.js serve` in a child process, with its own settings file and log folder. */
export class LightChatServer {
  private constructor(
    readonly url: string,
    readonly dir: string,
    readonly logDir: string,
    readonly child: Child,
  ) {}

  static async start(urls: ProviderUrls, options: ServeOptions): Promise<LightChatServer> {
    const dir = await mkdtemp(join(tmpdir(), 'lightchat-bench-'));
    const config = join(dir, 'settings.yaml');
    const logDir = join(dir, 'logs');
    await writeFile(config, settingsYaml(urls, options.settingsLines), { mode: 0o600 });
    const port = await freePort();
    const args = [
      ...(options.nodeFlags ?? []),
      CLI,
      'serve',
      '--port',
      String(port),
      '--config',
      config,
      '--log-dir',
      logDir,
      ...(options.logging ? [] : ['--no-log']),
      ...(options.args ?? []),
      // Never the machine's own history: a data directory of the run's (given, or its own), or none.
      ...(options.history
        ? ['--data-dir', join(dir, 'data')]
        : options.args?.includes('--data-dir')
          ? []
          : ['--no-history']),
    ];
    const child = new Child(process.execPath, args, { env: { ...serverEnv(), ...options.env } });
    const [, url] = await child.waitForLine(READY_LINE, 30_000);
    const [, token] = await child.waitForLine(LINK_LINE, 30_000);
    rememberToken(url!, token!);
    return new LightChatServer(url!, dir, logDir, child);
  }

  async stop(): Promise<void> {
    await this.child.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The bench's environment minus what would change how LightChat behaves (keys, proxies, Node options). */
export function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^(NODE_OPTIONS|LIGHTCHAT_|OPENAI_|ANTHROPIC_|GEMINI_|GOOGLE_|HTTPS?_PROXY|ALL_PROXY|NO_PROXY)/i.test(
        key,
      )
    )
      continue;
    env[key] = value;
  }
  return env;
}
