import type { ToolApproval } from '../tools/tool-approval.js';

/** Where a configured MCP server stands (CONTRACT section 11). */
export type ToolServerStatus = 'starting' | 'ready' | 'error' | 'disabled';

/** One tool as its server describes it; `inputSchema` is the server's JSON Schema, passed on as it is. */
export interface ToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** One server of `GET /tools` / `tools.list`. */
export interface ToolServerInfo {
  server: string;
  status: ToolServerStatus;
  /** What went wrong and the last lines of its stderr, secrets redacted; only with `status: 'error'`. */
  error?: string;
  /** Empty unless `ready`. */
  tools: ToolInfo[];
}

/** What a tool answered: its text (cut by the caller), or the error the model gets instead. */
export interface ToolCallOutcome {
  ok: boolean;
  content: string;
}

export interface ToolCallRequest {
  server: string;
  /** The tool's own name (not the name the model saw). */
  name: string;
  arguments: Record<string, unknown>;
  /** `tools.timeout_s` in ms. */
  timeoutMs: number;
  /** The chat's signal: a stopped chat cancels the call (MCP cancellation). */
  signal: AbortSignal;
}

/** The tools of the configured MCP servers: supervised in the background, listed, called. */
export interface ToolHost {
  list(): ToolServerInfo[];
  /** Whether a call of `tool` runs at once, asks, or is never offered (`toolApproval`'s one rule). */
  approval(server: string, tool: string): ToolApproval;
  /** Never throws for a tool's own failure (that is `ok: false` for the model); throws AppError for an unknown server. */
  call(request: ToolCallRequest): Promise<ToolCallOutcome>;
  close(): Promise<void>;
}

/**
 * What Settings needs of the servers besides the chat's use (CONTRACT section 11): restart one now,
 * and follow every status change as it happens (a server starts in the background).
 */
export interface ToolServers extends ToolHost {
  /** Stops the server and starts it at once, its backoff reset; throws TOOL_NOT_FOUND for an unknown name. */
  restart(server: string): Promise<ToolServerInfo>;
  /** Called with the whole list on every change of a server's status or tools; returns the unsubscribe. */
  onChange(listener: (servers: ToolServerInfo[]) => void): () => void;
}
