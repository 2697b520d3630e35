import type { ChatEvent, ToolCallEvent } from '../chat.js';
import type { ToolsSettings } from '../mcp-settings.js';
import type { ChatLog } from '../ports/chat-log.port.js';
import type { ToolCallOutcome, ToolHost } from '../ports/tool-host.port.js';
import type { ProviderMessage, ProviderTool, ProviderToolCall } from '../provider.js';
import type { ToolApprovals } from '../tools/tool-approvals.js';
import { modelToolNames, type ToolRef } from '../tools/tool-names.js';
import { DENIED_TEXT, NEVER_ALLOWED_TEXT, STOPPED_TEXT } from '../tools/tool-refusals.js';

/** What the chat engine needs for tools: the servers, the approvals, `tools` from settings. */
export interface ChatToolsDeps {
  host: ToolHost;
  approvals: ToolApprovals;
  settings(): ToolsSettings;
}

/** The tools one chat offers: each as the model sees it, and the tool each name stands for. */
export interface OfferedTools {
  tools: ProviderTool[];
  refs: Map<string, ToolRef>;
}

export { DENIED_TEXT };

/**
 * The tools of the ready servers, without those `never_allow` keeps from the model; undefined when
 * there are none (the chat then offers none).
 */
export function offerTools(host: ToolHost): OfferedTools | undefined {
  const servers = host
    .list()
    .filter((server) => server.status === 'ready')
    .map((server) => ({
      server: server.server,
      tools: server.tools.filter((tool) => host.approval(server.server, tool.name) !== 'never'),
    }));
  const refs = modelToolNames(servers);
  if (refs.size === 0) return undefined;
  const byRef = new Map(
    servers.flatMap(({ server, tools }) => tools.map((tool) => [`${server}\n${tool.name}`, tool] as const)),
  );
  const tools = [...refs].map(([name, ref]) => {
    const tool = byRef.get(`${ref.server}\n${ref.name}`);
    return { name, description: tool?.description ?? '', parameters: tool?.inputSchema ?? {} };
  });
  return { tools, refs };
}

export interface ToolRoundOptions {
  chatId: string;
  requestId: string;
  providerId: string;
  modelId: string;
  offered: OfferedTools;
  calls: ProviderToolCall[];
  /** The model's text of this turn, sent back with its calls. */
  text: string;
  deps: ChatToolsDeps;
  log: ChatLog;
  now(): number;
  /** The chat's: stopping it cancels a wait or a running call. */
  signal: AbortSignal;
}

/**
 * One round of the tool loop (CONTRACT section 11): each call of the model's turn is resolved,
 * approved (or asked of the user), run and answered, in order, with a `toolCall` and a `toolResult`
 * event each. Returns the messages that carry the turn and its results back to the model. A stopped
 * chat ends the round where it is.
 */
export async function* runToolRound(options: ToolRoundOptions): AsyncGenerator<ChatEvent, ProviderMessage[]> {
  const { calls, signal } = options;
  const messages: ProviderMessage[] = [{ role: 'assistant', content: options.text, toolCalls: calls }];
  for (const call of calls) {
    if (signal.aborted) break;
    const ref = options.offered.refs.get(call.name);
    const approval =
      ref && !call.invalidArguments ? options.deps.host.approval(ref.server, ref.name) : 'never';
    const event: ToolCallEvent = {
      type: 'toolCall',
      id: call.id,
      server: ref?.server ?? '',
      name: ref?.name ?? call.name,
      arguments: call.arguments,
      needsApproval: approval === 'ask',
    };
    yield event;
    const startedAt = options.now();
    const { outcome, verdict } = await decideAndRun(options, call, event, ref, approval);
    const durationMs = Math.round((options.now() - startedAt) * 10) / 10;
    yield { type: 'toolResult', id: call.id, ok: outcome.ok, content: outcome.content, durationMs };
    logCall(options, event, outcome, verdict, durationMs);
    messages.push({ role: 'tool', toolCallId: call.id, toolName: call.name, content: outcome.content });
    if (verdict === 'stopped') break;
  }
  return messages;
}

/** How a call was settled, for the log: run, refused by a rule, denied by the user, or failed before it ran. */
type Verdict = 'ran' | 'never' | 'denied' | 'timeout' | 'stopped' | 'invalid';

async function decideAndRun(
  options: ToolRoundOptions,
  call: ProviderToolCall,
  event: ToolCallEvent,
  ref: ToolRef | undefined,
  approval: 'never' | 'run' | 'ask',
): Promise<{ outcome: ToolCallOutcome; verdict: Verdict }> {
  const refusal = (content: string, verdict: Verdict) => ({ outcome: { ok: false, content }, verdict });
  if (!ref) {
    const names = [...options.offered.refs.keys()].join(', ');
    return refusal(`There is no tool named "${call.name}". The tools you can call are: ${names}.`, 'invalid');
  }
  if (call.invalidArguments !== undefined) {
    return refusal(
      `The arguments of this call are not a JSON object, so the tool was not run: ${call.invalidArguments.slice(0, 200)}. Call it again with its arguments as one JSON object.`,
      'invalid',
    );
  }
  if (approval === 'never') return refusal(NEVER_ALLOWED_TEXT, 'never');
  if (approval === 'ask') {
    const answer = await options.deps.approvals.wait(
      { chatId: options.chatId, id: call.id, server: ref.server, name: ref.name, arguments: event.arguments },
      options.signal,
    );
    if (answer === 'stopped') return refusal(STOPPED_TEXT, 'stopped');
    if (answer === 'deny') return refusal(DENIED_TEXT, 'denied');
    if (answer === 'timeout') {
      return refusal(`${DENIED_TEXT} (Nobody answered within 10 minutes.)`, 'timeout');
    }
  }
  const outcome = await options.deps.host
    .call({
      server: ref.server,
      name: ref.name,
      arguments: call.arguments,
      timeoutMs: options.deps.settings().timeoutS * 1000,
      signal: options.signal,
    })
    .catch((error: unknown) => ({
      ok: false,
      content: `The tool could not be called: ${error instanceof Error ? error.message : String(error)}`,
    }));
  return { outcome, verdict: options.signal.aborted ? 'stopped' : 'ran' };
}

function logCall(
  options: ToolRoundOptions,
  event: ToolCallEvent,
  outcome: ToolCallOutcome,
  verdict: Verdict,
  durationMs: number,
): void {
  const result = verdict === 'ran' ? (outcome.ok ? 'ok' : 'error') : verdict;
  options.log.append({
    role: 'system',
    content: `Tool call ${event.server || '(unknown)'}/${event.name}: ${result}`,
    providerId: options.providerId,
    modelId: options.modelId,
    eventType: 'tool_call',
    details: {
      request_id: options.requestId,
      chat_id: options.chatId,
      id: event.id,
      server: event.server,
      tool: event.name,
      arguments: event.arguments,
      needs_approval: event.needsApproval,
      duration_ms: durationMs,
      outcome: result,
    },
  });
}
