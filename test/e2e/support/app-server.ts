import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface AppServer {
  url: string;
  /** The API token `serve` printed, and its link `http://127.0.0.1:<port>/#token=<token>`. */
  token: string;
  link: string;
  settingsPath: string;
  logDir: string;
  /** The data directory (`lightchat.db` and its copies). */
  dataDir: string;
  /** What the server printed (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `serve` is ready in about a second (more with MCP servers to start); this only stops a hung one. 15 s
 * was hit by a server with MCP servers on a machine at load 25.
 */
const START_HANG_MS = 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

/** `lightchat serve` from the build, on a free port, with its own settings file and log folder. */
export async function startApp(options: {
  settingsYaml: string;
  args?: string[];
  /** Puts files into the (new, empty) data directory before the server starts. */
  prepareDataDir?: (dataDir: string) => Promise<void>;
}): Promise<AppServer> {
  const dir = await mkdtemp(join(tmpdir(), 'lightchat-e2e-'));
  const settingsPath = join(dir, 'settings.yaml');
  const logDir = join(dir, 'logs');
  const dataDir = join(dir, 'data');
  await writeFile(settingsPath, options.settingsYaml, { mode: 0o600 });
  if (options.prepareDataDir) {
    await mkdir(dataDir, { mode: 0o700 });
    await options.prepareDataDir(dataDir);
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(root, 'bin/lightchat.js'),
      'serve',
      '--port',
      String(port),
      '--config',
      settingsPath,
      '--log-dir',
      logDir,
      '--data-dir',
      dataDir,
      ...(options.args ?? []),
    ],
    { cwd: root, env: { ...process.env, OPENAI_API_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [url, token] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not start in ${START_HANG_MS / 1000} s:\n${output}`)),
      START_HANG_MS,
    );
    const check = () => {
      const match = /LightChat listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(output);
      const link = /^Open http:\/\/127\.0\.0\.1:\d+\/#token=(\S+)\n/m.exec(output);
      if (match && link) {
        clearTimeout(timer);
        resolve([match[1]!, link[1]!]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    token,
    link: `${url}/#token=${token}`,
    settingsPath,
    logDir,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
