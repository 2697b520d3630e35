import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { DEFAULT_INHERITED_ENV_VARS } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isStdioServer, type McpServerConfig } from '../../domain/mcp-settings.js';
import type { ToolInfo } from '../../domain/ports/tool-host.port.js';
import { lightChatVersion } from '../api/package-info.js';
import { NotMcpOutput, ProcessGroupTransport } from './process-group-transport.js';

/** A server LightChat is connected to, its tools listed. */
export interface McpConnection {
  readonly tools: ToolInfo[];
  callTool(
    name: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<CallToolResult>;
  /** Resolves, with the reason in words, when the server goes away by itself (it died, it hung up). */
  readonly lost: Promise<string>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  config: McpServerConfig;
  /** Aborted at the start timeout, or when the server is stopped while it starts. */
  signal: AbortSignal;
  /** LightChat's environment (the login shell's on macOS): a stdio server gets its safe part. */
  env?: Readonly<Record<string, string | undefined>>;
  onStderr(chunk: string): void;
  /** What the server sent that is not MCP (a line of text on stdout…): it explains a start that hangs. */
  onNoise?(message: string): void;
  /** How long a stopped server may take to leave before SIGKILL (tests). */
  killGraceMs?: number;
}

export type ConnectMcp = (options: ConnectOptions) => Promise<McpConnection>;

/** Says what the user can do about a server LightChat could not reach. */
export class McpConnectError extends Error {}

/**
 * Connects to one server with the SDK's client: a stdio server in a process group of its own, a `url`
 * server over Streamable HTTP, falling back to the older SSE transport.
 */
export const connectMcpServer: ConnectMcp = async (options) => {
  const { config } = options;
  if (isStdioServer(config)) {
    const transport = new ProcessGroupTransport({
      command: config.command,
      args: config.args,
      env: { ...inheritedEnv(options.env ?? process.env), ...config.env },
      onStderr: options.onStderr,
      killGraceMs: options.killGraceMs,
    });
    try {
      await transport.start();
    } catch (error) {
      throw new McpConnectError(spawnFailure(config.command, error));
    }
    return open(transport, options, () => exitReason(transport));
  }
  const url = new URL(config.url ?? '');
  const requestInit = { headers: config.headers };
  try {
    return await open(
      new StreamableHTTPClientTransport(url, { requestInit }),
      options,
      () => 'the server closed the connection',
    );
  } catch (error) {
    if (httpStatus(error) === 401) throw new McpConnectError(OAUTH_NOT_SUPPORTED);
    if (options.signal.aborted) throw error;
    // Servers of the 2024 protocol speak SSE only; their answer to a Streamable HTTP POST is a 4xx.
    try {
      return await open(
        new SSEClientTransport(url, { requestInit }),
        options,
        () => 'the server closed the connection',
      );
    } catch (fallbackError) {
      if (httpStatus(fallbackError) === 401) throw new McpConnectError(OAUTH_NOT_SUPPORTED);
      throw error;
    }
  }
};

const OAUTH_NOT_SUPPORTED =
  'The server asks for a sign-in (HTTP 401). OAuth sign-in is not supported yet: give the server an API key in "headers" (e.g. Authorization: "Bearer …") if it accepts one.';

async function open(
  transport: Transport,
  options: ConnectOptions,
  reason: () => string,
): Promise<McpConnection> {
  const client = new Client({ name: 'LightChat', version: lightChatVersion() }, { capabilities: {} });
  let resolveLost: (reason: string) => void = () => {};
  const lost = new Promise<string>((resolve) => {
    resolveLost = resolve;
  });
  let closing = false;
  let gone = false;
  client.onerror = (error) => {
    if (error instanceof NotMcpOutput) options.onNoise?.(error.message);
  };
  client.onclose = () => {
    gone = true;
    if (!closing) resolveLost(reason());
  };
  const close = async () => {
    closing = true;
    await client.close().catch(() => undefined);
    await transport.close().catch(() => undefined);
  };
  try {
    await client.connect(transport, { signal: options.signal });
    const tools = await listAllTools(client, options.signal);
    return {
      tools,
      lost,
      close,
      callTool: async (name, args, { signal, timeoutMs }) =>
        (await client.callTool({ name, arguments: args }, undefined, {
          signal,
          timeout: timeoutMs,
        })) as CallToolResult,
    };
  } catch (error) {
    const serverLeft = gone;
    await close();
    // "Connection closed" says less than how the server ended (its exit code).
    if (serverLeft && !options.signal.aborted) throw new McpConnectError(reason());
    throw error;
  }
}

async function listAllTools(client: Client, signal: AbortSignal): Promise<ToolInfo[]> {
  const tools: ToolInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor }, { signal });
    for (const tool of page.tools) {
      tools.push({
        name: tool.name,
        description: tool.description ?? '',
        inputSchema: tool.inputSchema as Record<string, unknown>,
      });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}

/**
 * The SDK's safe default (HOME, LOGNAME, PATH, SHELL, TERM, USER; their Windows kin), not all of
 * LightChat's environment: provider keys stay out of programs the user did not give them to.
 */
function inheritedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of DEFAULT_INHERITED_ENV_VARS) {
    const value = env[key];
    // A shell function exported through the environment (`() { …`) is never passed on.
    if (value !== undefined && !value.startsWith('()')) out[key] = value;
  }
  return out;
}

function exitReason(transport: ProcessGroupTransport): string {
  const exit = transport.exitStatus;
  if (!exit) return 'the server closed its connection';
  if (exit.signal) return `the server was ended by ${exit.signal}`;
  return `the server exited with code ${exit.code ?? 'unknown'}`;
}

function spawnFailure(command: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return `"${command}" was not found. Install it, or give its full path in "command" (an app opened from the Finder on macOS may not see your shell's PATH).`;
  }
  if (code === 'EACCES')
    return `"${command}" may not be run (permission denied): check that it is a program you can run.`;
  return `"${command}" could not be started: ${error instanceof Error ? error.message : String(error)}`;
}

/** The HTTP status of an SDK transport error, when it has one (`StreamableHTTPError`, `SseError`). */
function httpStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return code;
  const match =
    error instanceof Error ? /\bHTTP (\d{3})\b|\b(\d{3}) Unauthorized\b/.exec(error.message) : null;
  const status = match?.[1] ?? match?.[2];
  return status === undefined ? undefined : Number(status);
}
