import { type McpServerConfig, mcpSecretValues } from '../../domain/mcp-settings.js';
import type { ChatLog } from '../../domain/ports/chat-log.port.js';
import type { ToolInfo, ToolServerInfo, ToolServerStatus } from '../../domain/ports/tool-host.port.js';
import type { ConnectMcp, McpConnection } from './mcp-connection.js';
import { StderrTail } from './stderr-tail.js';

export const START_TIMEOUT_MS = 30_000;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;
/** A server that stayed up this long starts its backoff from 1 s again after a crash. */
const STABLE_MS = 60_000;

export interface McpSupervisorOptions {
  name: string;
  config: McpServerConfig;
  connect: ConnectMcp;
  log: ChatLog;
  /** LightChat's environment, for what a stdio server inherits. */
  env?: Readonly<Record<string, string | undefined>>;
  startTimeoutMs?: number;
  killGraceMs?: number;
  /** The clock of the backoff reset (fake timers move it). */
  now?: () => number;
  /** Called after every change of the status (and the tools that come with it). */
  onStatus?: () => void;
}

/**
 * One configured MCP server, kept running: started in the background, its tools listed, restarted with
 * backoff (1 s, 2 s, 4 s … ≤ 60 s) when it fails or dies, stopped on demand.
 */
export class McpSupervisor {
  private status: ToolServerStatus = 'disabled';
  private error: string | undefined;
  private tools: ToolInfo[] = [];
  private connection: McpConnection | undefined;
  private starting: AbortController | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private readySince: number | undefined;
  /** Bumped by `stop()`: work of an earlier run that finishes later is dropped. */
  private run = 0;
  private tail: StderrTail;
  /** The first thing the server sent this start that was not MCP. */
  private noise: string | undefined;
  private current: McpServerConfig;
  /** The tools this server had when `run_without_asking` took effect: tools added later still ask. */
  private toolsWhenAllowed: Set<string> | undefined;

  constructor(private readonly options: McpSupervisorOptions) {
    this.current = options.config;
    this.tail = new StderrTail(mcpSecretValues(options.config));
  }

  get config(): McpServerConfig {
    return this.current;
  }

  /** New approval lists, same program (a changed program gets a new supervisor). */
  updateConfig(next: McpServerConfig): void {
    if (!next.runWithoutAsking) this.toolsWhenAllowed = undefined;
    else if (!this.current.runWithoutAsking) this.toolsWhenAllowed = this.readyToolNames();
    this.current = next;
  }

  /** What `toolApproval` needs to tell a tool allowed by `run_without_asking` from one added since. */
  toolsWhenRunWithoutAsking(): ReadonlySet<string> | undefined {
    return this.toolsWhenAllowed;
  }

  private readyToolNames(): Set<string> | undefined {
    return this.status === 'ready' ? new Set(this.tools.map((tool) => tool.name)) : undefined;
  }

  get name(): string {
    return this.options.name;
  }

  /** Starts the server in the background (a disabled one only says so). */
  start(): void {
    if (!this.config.enabled) {
      this.status = 'disabled';
      return;
    }
    void this.connectOnce(this.run);
  }

  info(): ToolServerInfo {
    return {
      server: this.name,
      status: this.status,
      ...(this.status === 'error' && this.error !== undefined ? { error: this.error } : {}),
      tools: this.status === 'ready' ? this.tools : [],
    };
  }

  /** Hides this server's secrets in a text about it (an error from its transport). */
  redact(text: string): string {
    return this.tail.redact(text);
  }

  /** The connection of a ready server, for a tool call. */
  ready(): McpConnection | undefined {
    return this.status === 'ready' ? this.connection : undefined;
  }

  /** Stops the server and any restart; its process group is gone when this resolves. */
  async stop(): Promise<void> {
    this.run += 1;
    clearTimeout(this.restartTimer);
    this.starting?.abort(new Error('stopped'));
    const connection = this.connection;
    this.connection = undefined;
    this.status = 'disabled';
    this.tools = [];
    this.changed();
    await connection?.close();
  }

  /** Stops the server and starts it again at once, as if it had never failed (the user's `Restart`). */
  async restart(): Promise<void> {
    await this.stop();
    this.failures = 0;
    this.start();
  }

  private async connectOnce(run: number): Promise<void> {
    this.status = 'starting';
    this.changed();
    this.error = undefined;
    this.noise = undefined;
    this.tail = new StderrTail(mcpSecretValues(this.config));
    const starting = new AbortController();
    this.starting = starting;
    const timeoutMs = this.options.startTimeoutMs ?? START_TIMEOUT_MS;
    const timer = setTimeout(
      () => starting.abort(new Error(`it did not start within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    try {
      const connection = await abortable(
        this.options.connect({
          config: this.config,
          env: this.options.env,
          signal: starting.signal,
          onStderr: (chunk) => this.tail.append(chunk),
          onNoise: (message) => {
            this.noise ??= message;
          },
          killGraceMs: this.options.killGraceMs,
        }),
        starting.signal,
      );
      if (run !== this.run) {
        await connection.close();
        return;
      }
      this.connection = connection;
      this.tools = connection.tools;
      this.status = 'ready';
      this.readySince = this.now();
      this.changed();
      if (this.config.runWithoutAsking) this.toolsWhenAllowed ??= this.readyToolNames();
      this.logEvent('system', `MCP server "${this.name}" is ready with ${connection.tools.length} tools`);
      void connection.lost.then((reason) => {
        if (run === this.run && this.connection === connection) this.fail(reason, run);
      });
    } catch (error) {
      if (run !== this.run) return;
      const reason = starting.signal.aborted ? starting.signal.reason : error;
      this.fail(reason instanceof Error ? reason.message : String(reason), run);
    } finally {
      clearTimeout(timer);
      if (this.starting === starting) this.starting = undefined;
    }
  }

  private fail(reason: string, run: number): void {
    const connection = this.connection;
    this.connection = undefined;
    void connection?.close();
    if (this.readySince !== undefined && this.now() - this.readySince >= STABLE_MS) this.failures = 0;
    this.readySince = undefined;
    const delayMs = Math.min(FIRST_BACKOFF_MS * 2 ** this.failures, MAX_BACKOFF_MS);
    this.failures += 1;
    const stderr = this.tail.text();
    this.status = 'error';
    this.tools = [];
    const noise = this.noise === undefined ? '' : ` It wrote what is not MCP to stdout (${this.noise}).`;
    this.error = this.tail.redact(
      `${capitalise(reason)}.${noise}${stderr ? `\nLast lines of its stderr:\n${stderr}` : ''}`,
    );
    this.changed();
    this.logEvent(
      'error',
      `MCP server "${this.name}" failed: ${this.error}\nRetrying in ${delayMs / 1000} s.`,
    );
    this.restartTimer = setTimeout(() => {
      if (run === this.run) void this.connectOnce(run);
    }, delayMs);
  }

  private changed(): void {
    this.options.onStatus?.();
  }

  private logEvent(role: 'system' | 'error', content: string): void {
    this.options.log.append({
      role,
      content,
      eventType: 'mcp_server',
      details: { server: this.name, status: this.status },
    });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1).replace(/\.$/, '');

/** Rejects with the signal's reason when it aborts first: a connect that ignores its signal can't hang a server. */
function abortable(promise: Promise<McpConnection>, signal: AbortSignal): Promise<McpConnection> {
  return new Promise<McpConnection>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) {
          // Too late: the timeout already failed this start. The connection must not be left running.
          void value.close();
          return;
        }
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
