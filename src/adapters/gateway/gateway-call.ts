import type { ChatLog } from '../../domain/ports/chat-log.port.js';

export type GatewayOutcome = 'ok' | 'error' | 'aborted';

/** What a call's log entry says: metadata only, never the messages, the answer or any key. */
export interface GatewayCallFacts {
  providerId?: string;
  modelId?: string;
  /** The model id as the client sent it. */
  model?: string;
  stream?: boolean;
  promptTokens?: number | null;
  completionTokens?: number;
  ttftMs?: number | null;
  finishReason?: string;
  ignoredParams?: string[];
  providersLeftOut?: { provider_id: string; error_code: string }[];
}

/**
 * One gateway call (CONTRACT section 13): writes exactly one `gateway_call` log entry when it ends,
 * with the key's name, the client's user agent, model, tokens, duration and outcome — so editor
 * traffic never pushes the user's own chats out of the log.
 */
export class GatewayCall {
  private facts: GatewayCallFacts = {};
  private ended = false;
  private readonly startedAt: number;

  constructor(
    private readonly log: Pick<ChatLog, 'append'>,
    private readonly call: { endpoint: string; keyName: string; userAgent: string | undefined },
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  /** ms since the call was accepted. */
  elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  note(facts: GatewayCallFacts): void {
    this.facts = { ...this.facts, ...facts };
  }

  end(outcome: GatewayOutcome, status: number, errorCode?: string): void {
    if (this.ended) return;
    this.ended = true;
    const { facts } = this;
    const model = facts.providerId && facts.modelId ? `${facts.providerId}/${facts.modelId}` : facts.model;
    const tokens = facts.completionTokens === undefined ? '' : `, ${facts.completionTokens} tokens`;
    this.log.append({
      role: outcome === 'error' ? 'error' : 'system',
      content: `Gateway: ${this.call.endpoint}${model ? ` ${model}` : ''} for key "${this.call.keyName}"${tokens}, ${outcome}`,
      ...(facts.providerId ? { providerId: facts.providerId } : {}),
      ...(facts.modelId ? { modelId: facts.modelId } : {}),
      eventType: 'gateway_call',
      details: {
        endpoint: this.call.endpoint,
        key_name: this.call.keyName,
        user_agent: this.call.userAgent?.slice(0, 200) ?? null,
        model: facts.model ?? null,
        ...(facts.stream === undefined ? {} : { stream: facts.stream }),
        outcome,
        status,
        ...(errorCode ? { error_code: errorCode } : {}),
        ...(facts.finishReason ? { finish_reason: facts.finishReason } : {}),
        ...(facts.promptTokens === undefined ? {} : { prompt_tokens: facts.promptTokens }),
        ...(facts.completionTokens === undefined ? {} : { completion_tokens: facts.completionTokens }),
        ...(facts.ttftMs === undefined ? {} : { ttft_ms: facts.ttftMs }),
        duration_ms: Math.round(this.elapsedMs() * 10) / 10,
        ...(facts.ignoredParams?.length ? { ignored_params: facts.ignoredParams } : {}),
        ...(facts.providersLeftOut?.length ? { providers_left_out: facts.providersLeftOut } : {}),
      },
    });
  }
}
