import { isDeepStrictEqual } from 'node:util';
import { AppError } from '../../domain/errors.js';
import type { McpServerConfig, McpServers } from '../../domain/mcp-settings.js';
import type { ChatLog } from '../../domain/ports/chat-log.port.js';
import type {
  ToolCallOutcome,
  ToolCallRequest,
  ToolServerInfo,
  ToolServers,
} from '../../domain/ports/tool-host.port.js';
import { type ToolApproval, toolApproval } from '../../domain/tools/tool-approval.js';
import { cutToolResult } from '../../domain/tools/tool-result.js';
import type { ConnectMcp } from './mcp-connection.js';
import { McpSupervisor } from './mcp-supervisor.js';
import { toolResultText } from './tool-result-text.js';

/**
 * The SDK's client, loaded when the first server starts: with no `mcp_servers` (most runs) the SDK
 * and its schemas never load, and `serve` reaches its ready line sooner (bench row 6).
 */
const connectMcpServer: ConnectMcp = async (options) =>
  (await import('./mcp-connection.js')).connectMcpServer(options);

/** JSON-RPC error code of the SDK's request timeout. */
const REQUEST_TIMEOUT = -32001;

/** Why a call failed, in words for the model (and the user who reads the result). */
function callFailure(error: unknown, request: ToolCallRequest): string {
  if (request.signal.aborted) return 'The tool call was cancelled.';
  if ((error as { code?: unknown } | null)?.code === REQUEST_TIMEOUT) {
    return `The tool did not answer within ${Math.round(request.timeoutMs / 1000)} s (tools.timeout_s), so the call was cancelled.`;
  }
  return `The tool call failed: ${error instanceof Error ? error.message : String(error)}`;
}

export interface McpToolHostOptions {
  log: ChatLog;
  /** LightChat's environment (default: the process's), for what a stdio server inherits. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default: the SDK's client (tests give a scripted one). */
  connect?: ConnectMcp;
  startTimeoutMs?: number;
  killGraceMs?: number;
  now?: () => number;
}

const unknownServer = (server: string): AppError =>
  new AppError('TOOL_NOT_FOUND', `There is no MCP server "${server}" in mcp_servers.`, {
    details: { server },
  });

/** What a server is: a change of any of these restarts it; approval lists apply without a restart. */
const PROGRAM_KEYS = ['command', 'args', 'env', 'url', 'headers', 'enabled'] as const;

const sameProgram = (a: McpServerConfig, b: McpServerConfig): boolean =>
  PROGRAM_KEYS.every((key) => isDeepStrictEqual(a[key], b[key]));

/** Every configured MCP server, one supervisor each, following `mcp_servers` through settings reloads. */
export class McpToolHost implements ToolServers {
  private servers = new Map<string, McpSupervisor>();
  private closed = false;
  private readonly listeners = new Set<(servers: ToolServerInfo[]) => void>();

  constructor(private readonly options: McpToolHostOptions) {}

  /** Starts, stops and restarts servers to match `mcp_servers` (in the background: nothing waits for a server). */
  apply(configs: McpServers): void {
    if (this.closed) return;
    const next = new Map<string, McpSupervisor>();
    for (const [name, config] of Object.entries(configs)) {
      const current = this.servers.get(name);
      if (current && sameProgram(current.config, config)) {
        current.updateConfig(config);
        next.set(name, current);
        continue;
      }
      if (current) void current.stop();
      const supervisor = new McpSupervisor({
        name,
        config,
        connect: this.options.connect ?? connectMcpServer,
        log: this.options.log,
        env: this.options.env,
        startTimeoutMs: this.options.startTimeoutMs,
        killGraceMs: this.options.killGraceMs,
        now: this.options.now,
        onStatus: () => this.changed(),
      });
      next.set(name, supervisor);
      supervisor.start();
    }
    for (const [name, supervisor] of this.servers) if (!next.has(name)) void supervisor.stop();
    this.servers = next;
    this.changed();
  }

  /** The user's `Restart`: at once, whatever the backoff was waiting for. */
  async restart(server: string): Promise<ToolServerInfo> {
    const supervisor = this.servers.get(server);
    if (!supervisor) throw unknownServer(server);
    await supervisor.restart();
    return supervisor.info();
  }

  onChange(listener: (servers: ToolServerInfo[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    if (this.listeners.size === 0) return;
    const servers = this.list();
    for (const listener of this.listeners) listener(servers);
  }

  list(): ToolServerInfo[] {
    return [...this.servers.values()].map((supervisor) => supervisor.info());
  }

  /** The configuration in force for a server (its approval lists), if it is configured. */
  config(server: string): McpServerConfig | undefined {
    return this.servers.get(server)?.config;
  }

  /** Whether a call of `tool` runs, asks, or is never offered (`toolApproval`'s one rule). */
  approval(server: string, tool: string): ToolApproval {
    const supervisor = this.servers.get(server);
    if (!supervisor) return 'never';
    return toolApproval({
      server: supervisor.config,
      tool,
      toolsWhenRunWithoutAsking: supervisor.toolsWhenRunWithoutAsking(),
    });
  }

  async call(request: ToolCallRequest): Promise<ToolCallOutcome> {
    const supervisor = this.servers.get(request.server);
    if (!supervisor) throw unknownServer(request.server);
    const connection = supervisor.ready();
    if (!connection) {
      const { status, error } = supervisor.info();
      return {
        ok: false,
        content: `The tool server "${request.server}" is not ready (${status})${error ? `: ${error}` : '.'}`,
      };
    }
    try {
      const result = await connection.callTool(request.name, request.arguments, {
        signal: request.signal,
        timeoutMs: request.timeoutMs,
      });
      return { ok: result.isError !== true, content: cutToolResult(toolResultText(result)) };
    } catch (error) {
      return { ok: false, content: supervisor.redact(callFailure(error, request)) };
    }
  }

  /** Stops every server; every process group is gone when this resolves. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    const servers = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(servers.map((supervisor) => supervisor.stop()));
  }
}
