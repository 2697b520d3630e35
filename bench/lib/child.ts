import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Open an IPC channel (for children that are Node scripts). */
  ipc?: boolean;
}

/** A child process whose output lines can be awaited; its stderr is kept for error messages. */
export class Child {
  /** Every child still running, so that an interrupted bench can end them. */
  static readonly running = new Set<Child>();
  readonly process: ChildProcess;
  private readonly lines: string[] = [];
  private readonly waiters = new Set<(line: string) => void>();
  private stderr = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  constructor(command: string, args: readonly string[], options: ChildOptions = {}) {
    this.process = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.process.stdout, this.process.stderr]) {
      if (!stream) continue;
      const isErr = stream === this.process.stderr;
      createInterface({ input: stream }).on('line', (line) => {
        if (isErr) this.stderr = `${this.stderr}${line}\n`.slice(-8000);
        this.lines.push(line);
        for (const waiter of this.waiters) waiter(line);
      });
    }
    Child.running.add(this);
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        Child.running.delete(this);
        this.exit = { code, signal };
        for (const waiter of this.waiters) waiter('');
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Resolves with the first output line (stdout or stderr) matching `pattern`, seen before or later. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    for (const line of this.lines) {
      const match = line.match(pattern);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}`)),
        timeoutMs,
      );
      const finish = (error?: Error, match?: RegExpMatchArray) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error)
          reject(new Error(`${error.message}; stderr: ${this.stderr.trim().slice(-1500) || '(empty)'}`));
        else resolve(match!);
      };
      const check = (line: string) => {
        const match = line.match(pattern);
        if (match) finish(undefined, match);
        else if (this.exit)
          finish(new Error(`exited (${this.exit.code ?? this.exit.signal}) before printing ${pattern}`));
      };
      this.waiters.add(check);
    });
  }

  get errorOutput(): string {
    return this.stderr;
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exit) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The command line of a Node script written in TypeScript (the bench's own helpers). */
export function tsxArgs(script: string, nodeFlags: readonly string[] = []): string[] {
  return [...nodeFlags, '--import', 'tsx', script];
}
