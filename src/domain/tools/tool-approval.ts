import type { McpServerConfig } from '../mcp-settings.js';

/** What happens to a call the model makes: never offered, run at once, or asked of the user. */
export type ToolApproval = 'never' | 'run' | 'ask';

export interface ToolApprovalInput {
  server: Pick<McpServerConfig, 'neverAllow' | 'alwaysAllow' | 'runWithoutAsking'>;
  /** The tool's own name. */
  tool: string;
  /**
   * The tools the server had when `run_without_asking` took effect: a tool it added later still asks
   * (CONTRACT section 11). Undefined: not known yet, so nothing runs by that setting alone.
   */
  toolsWhenRunWithoutAsking: ReadonlySet<string> | undefined;
}

/**
 * The one approval rule (CONTRACT section 11): `never_allow` > `always_allow` > `run_without_asking` > ask.
 * A global "yes" never overrides a per-tool "never" (the Cline bug that let write tools run unasked).
 */
export function toolApproval({ server, tool, toolsWhenRunWithoutAsking }: ToolApprovalInput): ToolApproval {
  if (server.neverAllow.includes(tool)) return 'never';
  if (server.alwaysAllow.includes(tool)) return 'run';
  if (server.runWithoutAsking && toolsWhenRunWithoutAsking?.has(tool)) return 'run';
  return 'ask';
}
