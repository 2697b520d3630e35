import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * `lightchat …` from the sources, as a child process: `node --import tsx src/cli/index.ts …` (or the
 * built command: `entry` `['bin/lightchat.js']`).
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  entry: readonly string[] = ['--import', 'tsx', 'src/cli/index.ts'],
): CliRun {
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    // No test writes history into the machine's own data directory: off unless a test turns it on.
    env: {
      ...process.env,
      LIGHTCHAT_PORT: undefined,
      LIGHTCHAT_CONFIG: undefined,
      LIGHTCHAT_NO_HISTORY: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    line(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = out.split('\n').find((candidate) => pattern.test(candidate));
          if (found === undefined) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line ${pattern} within ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`));
        }, timeoutMs);
        const onExit = () => {
          if (!check()) {
            cleanup();
            reject(new Error(`exited before ${pattern}; stdout: ${out}; stderr: ${err}`));
          }
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('exit', onExit);
        };
        if (check()) return;
        child.stdout?.on('data', check);
        child.on('exit', onExit);
      });
    },
  };
}

/** Runs a command to its end. */
export async function cliOutput(args: string[], env: Record<string, string | undefined> = {}) {
  const run = runCli(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
