import {
  answerReserve,
  contextWindow,
  IMAGE_TOKENS,
  messageTokens,
} from '../../domain/services/context-window';
import type { AttachedFile, Conversation, Message } from './conversation';
import type { ModelInUse } from './model-in-use';

/**
 * How full the model's context window is for the next message (CONTRACT section 12), counted by the
 * same estimator the server fits chats with (`domain/services/context-window`).
 */
export interface ContextUse {
  /** Tokens of the system prompt, the branch shown, the draft and its files. */
  used: number;
  /** The window: the conversation's `num_ctx`, else the model's context length (capped for Ollama). */
  window: number;
  /** The server will leave out older messages to make room (the answer keeps its share). */
  dropping: boolean;
  /** The system prompt and the draft alone do not fit: the server refuses it (`CONTEXT_TOO_LONG`). */
  tooLong: boolean;
}

/** A file's share: the server's estimate of its text block, an image's fixed cost, else nothing known. */
const fileTokens = (file: AttachedFile): number => file.tokens ?? (file.kind === 'image' ? IMAGE_TOKENS : 0);

const filesTokens = (files: readonly AttachedFile[] | undefined): number =>
  (files ?? []).reduce((total, file) => total + fileTokens(file), 0);

/** Messages never change in place (a streamed batch makes a new object): each is counted once. */
const counted = new WeakMap<Message, number>();

/** What the server sends of a message: a failed or empty answer is left out, as in `historyBefore`. */
function messageCost(message: Message): number {
  const known = counted.get(message);
  if (known !== undefined) return known;
  let cost = 0;
  if (message.role === 'user') cost = messageTokens(message) + filesTokens(message.attachments);
  else if (message.status !== 'error' && message.content !== '') cost = messageTokens(message);
  counted.set(message, cost);
  return cost;
}

/** The branch shown, as the next message would send it. */
export const branchTokens = (state: Conversation): number =>
  state.order.reduce((total, id) => total + (state.byId[id] ? messageCost(state.byId[id]) : 0), 0);

export function contextUse(options: {
  model: ModelInUse | null;
  numCtx: number | null;
  systemPrompt: string;
  branch: number;
  /** The draft's own estimate (`messageTokens`), without its files. */
  draftTokens: number;
  files: readonly AttachedFile[];
}): ContextUse | null {
  const { model } = options;
  if (!model) return null;
  const window = contextWindow({
    ollama: model.providerType === 'ollama',
    numCtx: options.numCtx,
    contextLength: model.model.contextLength,
  });
  if (window === undefined) return null;
  const prompt = options.systemPrompt.trim() ? options.systemPrompt : (model.providerPrompt ?? '');
  const system = prompt.trim() ? messageTokens({ content: prompt }) : 0;
  const draft = options.draftTokens + filesTokens(options.files);
  const used = system + options.branch + draft;
  const budget = window - answerReserve(window, undefined);
  return { used, window, dropping: used > budget, tooLong: system + draft > budget };
}
