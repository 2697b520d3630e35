import { AppError } from '../errors.js';
import type { ProviderMessage } from '../provider.js';

/**
 * What fits in a model's context window (CONTRACT section 12). Ollama silently drops the oldest
 * tokens of a prompt that does not fit — the system prompt first. LightChat decides instead, and
 * says so: whole old turns go, never the system prompt, never the newest user message.
 */

/** The default `num_ctx`: the model's context length, capped (a larger window costs memory). */
export const NUM_CTX_CAP = 32_768;

/** Tokens per message beyond its text (role and template markers), as chat templates add. */
const MESSAGE_OVERHEAD_TOKENS = 4;

/** The `num_ctx` to send when the conversation sets none; `undefined` when the model's length is unknown. */
export const defaultNumCtx = (contextLength: number | undefined): number | undefined =>
  contextLength === undefined ? undefined : Math.min(contextLength, NUM_CTX_CAP);

/**
 * The window a chat is fitted to: the conversation's (or request's) `num_ctx`, else for Ollama the
 * model's context length capped (Ollama's own default is far smaller), else the model's context
 * length; undefined when none is known (everything is sent). The UI's context meter uses it too.
 */
export function contextWindow(options: {
  ollama: boolean;
  numCtx: number | null | undefined;
  contextLength: number | undefined;
}): number | undefined {
  if (options.numCtx != null) return options.numCtx;
  return options.ollama ? defaultNumCtx(options.contextLength) : options.contextLength;
}

/**
 * A rough count, for deciding what to drop: about 4 characters per token for English and code;
 * CJK and other non-Latin scripts take about one token per character, so they count more.
 */
export function estimateTokens(text: string): number {
  let wide = 0;
  for (const char of text) if ((char.codePointAt(0) ?? 0) > 0x2e7f) wide++;
  const narrow = text.length - wide;
  return Math.ceil(narrow / 4) + wide;
}

/** What fitting reads of a message (a provider message may also be a tool's result). */
type Fittable = Pick<ProviderMessage, 'role' | 'content'>;

export const messageTokens = (message: Pick<ProviderMessage, 'content'>): number =>
  estimateTokens(message.content) + MESSAGE_OVERHEAD_TOKENS;

/**
 * What an image costs a vision model, roughly: encoders take from 256 to about 1,500 tokens per
 * image; the middle is a fair guess for deciding what to drop.
 */
export const IMAGE_TOKENS = 768;

/** A message as sent: its text (attached files' text included) and its images. */
export const providerMessageTokens = (message: ProviderMessage): number =>
  messageTokens(message) + (message.images?.length ?? 0) * IMAGE_TOKENS;

/** Room kept for the answer: `max_tokens` when set, else an eighth of the window (at most 1,024). */
export function answerReserve(numCtx: number, maxTokens: number | undefined): number {
  const wanted = maxTokens ?? Math.min(1024, Math.floor(numCtx / 8));
  return Math.min(wanted, Math.floor(numCtx / 2));
}

export interface ContextFit<M extends Fittable> {
  messages: M[];
  /** How many messages were left out (0: everything fits). */
  droppedMessages: number;
  /** The estimate for what is sent, the answer's room not included. */
  estimatedTokens: number;
}

export interface FitOptions<M extends Fittable> {
  messages: M[];
  numCtx: number;
  maxTokens?: number | undefined;
  /** Tokens of one message (attachments included); default: its text. */
  tokensOf?: (message: M) => number;
}

/**
 * The messages that fit in `numCtx` minus the answer's room: the oldest turns (a user message and the
 * answers after it) are dropped first. The leading system message and everything from the newest
 * user message on are always kept; when they alone do not fit, `CONTEXT_TOO_LONG`.
 */
export function fitContext<M extends Fittable>(options: FitOptions<M>): ContextFit<M> {
  const { messages, numCtx } = options;
  const tokensOf = options.tokensOf ?? messageTokens;
  const budget = numCtx - answerReserve(numCtx, options.maxTokens);
  const head = messages[0]?.role === 'system' ? 1 : 0;
  let newestUser = messages.length - 1;
  while (newestUser > head && messages[newestUser]?.role !== 'user') newestUser--;
  const costs = messages.map(tokensOf);
  const sum = (from: number, to: number) => costs.slice(from, to).reduce((total, cost) => total + cost, 0);

  const kept = sum(0, head) + sum(newestUser, messages.length);
  if (kept > budget) {
    throw new AppError(
      'CONTEXT_TOO_LONG',
      `The newest message${head ? ' and the system prompt' : ''} alone take about ${kept} tokens, more than the ${budget} this model's context window of ${numCtx} tokens leaves (${numCtx - budget} are kept for the answer). Shorten the message, or raise num_ctx for this conversation if the model allows it.`,
      { details: { num_ctx: numCtx, estimated_tokens: kept, budget_tokens: budget } },
    );
  }
  // Drop whole turns from the oldest until the rest fits.
  let from = head;
  let middle = sum(head, newestUser);
  while (kept + middle > budget && from < newestUser) {
    let end = from + 1;
    while (end < newestUser && messages[end]?.role !== 'user') end++;
    middle -= sum(from, end);
    from = end;
  }
  return {
    messages: [...messages.slice(0, head), ...messages.slice(from)],
    droppedMessages: from - head,
    estimatedTokens: kept + middle,
  };
}
