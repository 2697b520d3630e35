import type { PendingApproval, ToolDecision } from '../../domain/tools/tool-approvals';
import { errorLine, toUiError } from '../errors/error-message';
import { createStore, type Store } from './store';

export type { PendingApproval, ToolDecision };

/** The two API calls for approvals (CONTRACT section 11): `chat.pendingApprovals` and `chat.decideTool`. */
export interface ToolApprovalsApi {
  pendingApprovals(handlers: {
    onData: (pending: PendingApproval[]) => void;
    onError: (error: unknown) => void;
  }): { unsubscribe: () => void };
  decideTool(input: { chatId: string; id: string; decision: ToolDecision }): Promise<unknown>;
}

/** What the window shows of the calls that wait for the user. */
export interface ApprovalsState {
  /** Every call of every chat that waits for approval now, whichever window or the CLI started it. */
  pending: PendingApproval[];
  /** Calls seen waiting at least once: a call not yet seen may still be on its way into the list. */
  seen: ReadonlySet<string>;
  /** Calls answered from this window whose answer is on its way. */
  answering: ReadonlySet<string>;
  /** Why an answer from this window failed, by call id. */
  errors: Readonly<Record<string, string>>;
}

const empty: ApprovalsState = { pending: [], seen: new Set(), answering: new Set(), errors: {} };

/**
 * The calls waiting for approval, followed live (`chat.pendingApprovals`: the whole list on every
 * change), and the user's answers to them. A call answered elsewhere leaves the list, so its buttons
 * go here too.
 */
export class ToolApprovals {
  readonly state: Store<ApprovalsState> = createStore(empty);
  private subscription: { unsubscribe: () => void } | null = null;

  constructor(private readonly api: ToolApprovalsApi | undefined) {}

  start(): void {
    if (!this.api || this.subscription) return;
    this.subscription = this.api.pendingApprovals({
      onData: (pending) => {
        const current = this.state.get();
        const seen = new Set(current.seen);
        for (const call of pending) seen.add(call.id);
        this.state.set({ ...current, pending, seen });
      },
      // The subscription reconnects with the transport; until then the list stays as it was.
      onError: () => {},
    });
  }

  /** The waiting call with this id, if any window may still answer it. */
  pendingCall(id: string): PendingApproval | undefined {
    return this.state.get().pending.find((call) => call.id === id);
  }

  /** Answers a waiting call; a refusal (answered elsewhere, settings changed meanwhile) is kept to show. */
  async decide(call: Pick<PendingApproval, 'chatId' | 'id'>, decision: ToolDecision): Promise<void> {
    if (!this.api || this.state.get().answering.has(call.id)) return;
    this.update(call.id, { answering: true, error: null });
    try {
      await this.api.decideTool({ chatId: call.chatId, id: call.id, decision });
      this.update(call.id, { answering: false, error: null });
    } catch (error) {
      const refused = toUiError(error);
      this.update(call.id, { answering: false, error: refused.message || errorLine(refused) });
    }
  }

  dispose(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
  }

  private update(id: string, change: { answering: boolean; error: string | null }): void {
    const current = this.state.get();
    const answering = new Set(current.answering);
    if (change.answering) answering.add(id);
    else answering.delete(id);
    const { [id]: _, ...errors } = current.errors;
    this.state.set({
      ...current,
      answering,
      errors: change.error === null ? errors : { ...errors, [id]: change.error },
    });
  }
}
