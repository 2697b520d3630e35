import { type ChildProcess, spawn } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface ProcessGroupOptions {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  onStderr(chunk: string): void;
  /** How long a server may take to leave after SIGTERM before its group gets SIGKILL. */
  killGraceMs?: number;
}

/** How the server's process ended, in words for its status. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A line on the server's stdout that is not a JSON-RPC message. */
export class NotMcpOutput extends Error {}

const IS_WINDOWS = process.platform === 'win32';
const DEFAULT_KILL_GRACE_MS = 500;
const PIPES_CLOSE_MS = 1_000;

/** Process groups still running, killed when LightChat's process exits however it exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // `exit` handlers run synchronously: a kill is all that fits, and all that is needed.
  process.once('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    if (IS_WINDOWS) {
      // No process groups on Windows: taskkill /T ends the tree (npx → node → the server).
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    } else {
      process.kill(-pid, signal);
    }
  } catch {
    // ESRCH: the whole group is gone already.
  }
}

/**
 * MCP over stdio with the server in a process group of its own (the SDK's stdio transport spawns it in
 * ours), so that stopping it also stops what it started — `npx` runs the real server as its child.
 */
export class ProcessGroupTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcess | undefined;
  private readonly buffer = new ReadBuffer();
  private exit: ProcessExit | undefined;
  private exited: Promise<void> = Promise.resolve();
  private started: Promise<void> | undefined;

  constructor(private readonly options: ProcessGroupOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How the process ended, once it has. */
  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  /** Spawns the server; called again (the SDK's `connect` calls it), it is the same start. */
  start(): Promise<void> {
    this.started ??= this.spawn();
    return this.started;
  }

  private async spawn(): Promise<void> {
    const { command, args, env } = this.options;
    const child = spawn(command, [...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: !IS_WINDOWS,
      windowsHide: true,
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    const pid = child.pid;
    if (pid !== undefined) trackGroup(pid);
    child.on('error', (error) => this.onerror?.(error));
    this.exited = new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve();
        this.onclose?.();
      };
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        // What the server started may still run (and hold its pipes open): it goes with it.
        if (pid !== undefined) {
          signalGroup(pid, 'SIGKILL');
          liveGroups.delete(pid);
        }
        // Its last stderr lines arrive before its pipes close; something that left the group could hold
        // them open, so closing does not wait for that forever.
        setTimeout(finish, PIPES_CLOSE_MS).unref();
      });
      child.once('close', finish);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      this.buffer.append(chunk);
      this.readMessages();
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.options.onStderr(chunk));
    // A server that dies while we write must not crash LightChat with EPIPE.
    child.stdin?.on('error', (error) => this.onerror?.(error));
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.exit) return Promise.reject(new Error('the server is not running'));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Closes its input (the MCP way to ask a server to leave), then SIGTERM, then SIGKILL to its group. */
  async close(): Promise<void> {
    const child = this.child;
    const pid = child?.pid;
    if (!child || pid === undefined || this.exit) {
      await this.exited;
      return;
    }
    child.stdin?.end();
    signalGroup(pid, 'SIGTERM');
    const grace = setTimeout(
      () => signalGroup(pid, 'SIGKILL'),
      this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    );
    await this.exited;
    clearTimeout(grace);
  }

  private readMessages(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        // A line that is not MCP (a server that prints to stdout): reported, and the next line is read.
        this.onerror?.(new NotMcpOutput(error instanceof Error ? error.message : String(error)));
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }
}
