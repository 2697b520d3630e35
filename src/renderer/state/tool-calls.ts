import type { ToolCallEvent, ToolResultEvent } from '../../domain/chat';
import { DENIED_TEXT, NEVER_ALLOWED_TEXT, STOPPED_TEXT } from '../../domain/tools/tool-refusals';

/** A tool call of an answer (CONTRACT section 11), with what went back to the model once it came. */
export interface ToolCall {
  id: string;
  /** "" for a tool the model made up. */
  server: string;
  /** The tool's own name. */
  name: string;
  arguments: Record<string, unknown>;
  needsApproval: boolean;
  result?: { ok: boolean; content: string; durationMs: number };
}

/** How a call stands, in the words the card shows. */
export type ToolCallOutcome =
  | 'waiting'
  | 'running'
  | 'approved'
  | 'ran automatically'
  | 'denied'
  | 'not allowed'
  | 'failed'
  | 'not run';

/** The answer's calls after one `toolCall` or `toolResult` event (a result joins its call). */
export function withToolEvent(
  calls: readonly ToolCall[] | undefined,
  event: ToolCallEvent | ToolResultEvent,
): ToolCall[] {
  const list = calls ?? [];
  if (event.type === 'toolCall') {
    const { type: _, ...call } = event;
    return [...list.filter((known) => known.id !== call.id), call];
  }
  const { id, ok, content, durationMs } = event;
  return list.map((call) => (call.id === id ? { ...call, result: { ok, content, durationMs } } : call));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The calls a stored answer keeps (`tool_calls`, each with its result), read without zod (its
 * schemas trip the page's CSP); a record that is not a call is left out.
 */
export function toolCallsFromStored(records: readonly Record<string, unknown>[]): ToolCall[] {
  return records.flatMap((record) => {
    const { id, server, name, needsApproval, result } = record;
    if (typeof id !== 'string' || typeof name !== 'string') return [];
    const call: ToolCall = {
      id,
      server: typeof server === 'string' ? server : '',
      name,
      arguments: isRecord(record.arguments) ? record.arguments : {},
      needsApproval: needsApproval === true,
    };
    if (isRecord(result) && typeof result.ok === 'boolean' && typeof result.content === 'string') {
      const durationMs = typeof result.durationMs === 'number' ? result.durationMs : 0;
      call.result = { ok: result.ok, content: result.content, durationMs };
    }
    return [call];
  });
}

/**
 * How a call stands: `waiting` while it waits for the user (`pending`: some window may answer it),
 * `running` while the answer goes on without its result; then what its result says.
 */
export function toolCallOutcome(
  call: ToolCall,
  state: { pending: boolean; answerRunning: boolean },
): ToolCallOutcome {
  const { result } = call;
  if (!result) {
    if (state.pending) return 'waiting';
    return state.answerRunning ? 'running' : 'not run';
  }
  if (result.ok) return call.needsApproval ? 'approved' : 'ran automatically';
  if (result.content.startsWith(DENIED_TEXT)) return 'denied';
  if (result.content.startsWith(NEVER_ALLOWED_TEXT)) return 'not allowed';
  if (result.content.startsWith(STOPPED_TEXT)) return 'not run';
  return 'failed';
}

/** The arguments as the card shows them: indented JSON. */
export const formatArguments = (args: Record<string, unknown>): string => JSON.stringify(args, null, 2);

/** "12 ms", "1.4 s": how long a call took. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
