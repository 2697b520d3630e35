import { AppError } from '../errors.js';

/** What the user answers for a call that waits (CONTRACT section 11). */
export const TOOL_DECISIONS = ['approve', 'deny', 'always'] as const;
export type ToolDecision = (typeof TOOL_DECISIONS)[number];

/** How a wait ended: the user's answer, no answer in time, or the chat was stopped. */
export type ToolWaitOutcome = ToolDecision | 'timeout' | 'stopped';

/** A call waiting for approval longer than this is denied. */
export const TOOL_APPROVAL_TIMEOUT_MS = 10 * 60_000;

/** A call waiting for the user: what every window, tab, REST client and the CLI is shown. */
export interface PendingApproval {
  chatId: string;
  /** The call's id, as in its `tool_call` event. */
  id: string;
  server: string;
  /** The tool's own name. */
  name: string;
  arguments: Record<string, unknown>;
}

export interface ToolApprovalsDeps {
  /** `always`: adds the tool to the server's `always_allow` in settings.yaml (the compare-and-swap write). */
  allowAlways(server: string, tool: string): Promise<void>;
  timeoutMs?: number;
}

interface Waiting {
  approval: PendingApproval;
  settle(outcome: ToolWaitOutcome): void;
}

/**
 * Every call of this process that waits for the user, whichever transport started its chat: one
 * place to answer it from (REST, tRPC over HTTP or IPC), and to list what waits.
 */
export class ToolApprovals {
  private readonly waiting = new Map<string, Waiting>();
  private readonly listeners = new Set<(pending: PendingApproval[]) => void>();

  constructor(private readonly deps: ToolApprovalsDeps) {}

  /** Resolves with the user's answer, `timeout` after 10 minutes, or `stopped` when `signal` aborts. */
  wait(approval: PendingApproval, signal: AbortSignal): Promise<ToolWaitOutcome> {
    if (signal.aborted) return Promise.resolve('stopped');
    const key = keyOf(approval.chatId, approval.id);
    return new Promise<ToolWaitOutcome>((resolve) => {
      const timer = setTimeout(() => settle('timeout'), this.deps.timeoutMs ?? TOOL_APPROVAL_TIMEOUT_MS);
      (timer as { unref?: () => void }).unref?.();
      const onAbort = () => settle('stopped');
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = (outcome: ToolWaitOutcome) => {
        if (this.waiting.get(key)?.approval !== approval) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiting.delete(key);
        this.changed();
        resolve(outcome);
      };
      this.waiting.set(key, { approval, settle });
      this.changed();
    });
  }

  /**
   * Answers a waiting call. `always` is written to settings first: when that write fails (the file
   * changed meanwhile), the call keeps waiting and the error is thrown.
   */
  async decide(chatId: string, id: string, decision: ToolDecision): Promise<PendingApproval> {
    const waiting = this.waiting.get(keyOf(chatId, id));
    if (!waiting) {
      throw new AppError(
        'TOOL_CALL_NOT_FOUND',
        `No tool call "${id}" of chat "${chatId}" waits for approval: it was answered, timed out, or its chat ended.`,
        { details: { chat_id: chatId, id } },
      );
    }
    if (decision === 'always') await this.deps.allowAlways(waiting.approval.server, waiting.approval.name);
    waiting.settle(decision);
    return waiting.approval;
  }

  pending(): PendingApproval[] {
    return [...this.waiting.values()].map(({ approval }) => approval);
  }

  /** `listener` gets the whole list of waiting calls each time it changes. */
  onChange(listener: (pending: PendingApproval[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    const pending = this.pending();
    for (const listener of this.listeners) listener(pending);
  }
}

const keyOf = (chatId: string, id: string): string => `${chatId}\n${id}`;
