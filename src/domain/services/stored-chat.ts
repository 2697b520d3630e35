import { z } from 'zod';
import type { ChatEvent, ChatStartEvent } from '../chat.js';
import type { Conversation } from '../conversation.js';
import { AppError } from '../errors.js';
import { isThink } from '../think.js';
import type { ChatService, PreparedChat } from './chat-service.js';
import type { ConversationService } from './conversation-service.js';
import { invalidInput } from './history-errors.js';
import type { StoredTurn } from './stored-turn.js';

/** A chat that names a conversation (`conversation_id`): what `POST /chat` and `chat.start` accept. */
const storedChatSchema = z.looseObject({
  conversationId: z.string(),
  messages: z.undefined({ message: 'a chat in a conversation takes "prompt", not "messages"' }).optional(),
});

export const namesConversation = (input: unknown): boolean =>
  typeof input === 'object' && input !== null && 'conversationId' in input;

export interface StoredChat {
  prepared: PreparedChat;
  turn: StoredTurn;
}

/** A chat ready to stream: stateless (`turn` null), or a stored one whose turn is written. */
export interface OpenedChat {
  prepared: PreparedChat;
  turn: StoredTurn | null;
}

export interface OpenChatDeps {
  chat: Pick<ChatService, 'prepare'>;
  /** Absent: no history in this host, a chat that names a conversation is refused. */
  conversations?: ConversationService | undefined;
  onWriteError(error: AppError): void;
}

/**
 * The one way in for every transport (REST, tRPC over HTTP and IPC): a chat that names a
 * conversation continues it (its turn written before the provider is asked); any other is stateless
 * and takes `prompt` or `messages`. Throws before anything streams.
 */
export async function openChat(
  deps: OpenChatDeps,
  input: unknown,
  signal?: AbortSignal,
): Promise<OpenedChat> {
  if (namesConversation(input)) {
    if (!deps.conversations) {
      throw new AppError('HISTORY_UNAVAILABLE', 'This LightChat keeps no conversations.', {
        details: { reason: 'disabled' },
      });
    }
    return prepareStoredChat({ ...deps, conversations: deps.conversations }, input, signal);
  }
  return { prepared: await deps.chat.prepare(statelessInput(input), signal), turn: null };
}

/**
 * `prompt` is short for one user message; giving both it and `messages` is a mistake worth naming.
 * `attachmentIds` go with the newest user message (a prompt may be empty when files go with it).
 */
function statelessInput(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const { prompt, attachmentIds, ...rest } = input as Record<string, unknown>;
  const withFiles = Array.isArray(attachmentIds) && attachmentIds.length > 0;
  const problem =
    (prompt === undefined) === (rest.messages === undefined)
      ? 'send exactly one of "prompt" or "messages"'
      : prompt !== undefined && (typeof prompt !== 'string' || (prompt === '' && !withFiles))
        ? 'prompt must be a non-empty string'
        : null;
  if (problem !== null) {
    throw new AppError('VALIDATION_ERROR', `Invalid chat request: ${problem}`, {
      details: { issues: [{ path: ['prompt'], message: problem }] },
    });
  }
  const files = attachmentIds === undefined ? {} : { attachmentIds };
  if (prompt !== undefined) return { ...rest, messages: [{ role: 'user', content: prompt, ...files }] };
  if (attachmentIds === undefined || !Array.isArray(rest.messages)) return rest;
  const messages = [...(rest.messages as unknown[])];
  const last = messages.findLastIndex(
    (message) =>
      typeof message === 'object' && message !== null && (message as { role?: unknown }).role === 'user',
  );
  if (last >= 0) messages[last] = { ...(messages[last] as object), ...files };
  return { ...rest, messages };
}

/**
 * Continues a conversation: checks where the send goes, resolves provider and model (the
 * conversation's own unless the request names others), then writes the user message and a
 * `streaming` answer — all before the provider is asked. Throws before anything streams.
 */
export async function prepareStoredChat(
  deps: {
    chat: Pick<ChatService, 'prepare'>;
    conversations: ConversationService;
    onWriteError(error: AppError): void;
  },
  input: unknown,
  signal?: AbortSignal,
): Promise<StoredChat> {
  const parsed = storedChatSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('chat request', parsed.error);
  const {
    conversationId,
    temporary,
    prompt,
    after,
    editOf,
    regenerateOf,
    attachmentIds,
    messages: _,
    ...chatFields
  } = parsed.data as Record<string, unknown>;
  const plan = await deps.conversations.planTurn(
    stripUndefined({ conversationId, temporary, prompt, after, editOf, regenerateOf, attachmentIds }),
  );
  // A new conversation remembers the Think switch it was started with.
  const think = (chatFields.options as { think?: unknown } | undefined)?.think;
  if (plan.isNew && isThink(think)) plan.conversation = { ...plan.conversation, think };
  const { conversation } = plan;
  const providerId = chatFields.providerId ?? conversation.providerId ?? undefined;
  const sameProvider =
    chatFields.providerId === undefined || chatFields.providerId === conversation.providerId;
  const prepared = await deps.chat.prepare(
    stripUndefined({
      ...chatFields,
      messages: plan.messages,
      providerId,
      modelId: chatFields.modelId ?? (sameProvider ? (conversation.modelId ?? undefined) : undefined),
      systemPrompt: chatFields.systemPrompt ?? conversation.systemPrompt ?? undefined,
      options: withConversationOptions(chatFields.options, conversation),
    }),
    signal,
  );
  const turn = await deps.conversations.beginTurn(
    { ...plan, attachments: prepared.attachments ?? [] },
    { providerId: prepared.providerId, modelId: prepared.modelId },
    { onError: deps.onWriteError },
  );
  return { prepared, turn };
}

export const startEvent = (chatId: string, turn?: StoredTurn): ChatStartEvent =>
  turn
    ? {
        type: 'start',
        chatId,
        conversationId: turn.conversationId,
        userMessageId: turn.userMessageId,
        assistantMessageId: turn.assistantMessageId,
      }
    : { type: 'start', chatId };

/** What a relay does with a stored chat's events on their way (see `turnRecorder`). */
export interface ChatRecorder {
  /** A token, thinking or tool event: recorded at once (no await per event). */
  record(event: ChatEvent): void;
  /** The terminal event: resolves, once the answer's final write has landed, with the event to send. */
  end(event: ChatEvent): Promise<ChatEvent>;
}

/**
 * Records a stored chat's events in its turn as they pass: text as it streams, the end with its
 * status. `done` and `error` leave with the conversation's and the answer's ids, after the final
 * write (CONTRACT section 10: a finished answer is durable when `done` arrives). Recording is
 * synchronous, so a stored chat relays tokens at the speed of a stateless one.
 */
export function turnRecorder(turn: StoredTurn): ChatRecorder {
  const ids = { conversationId: turn.conversationId, messageId: turn.assistantMessageId };
  return {
    record(event) {
      if (event.type === 'token' || event.type === 'thinking') turn.append(event);
      else if (event.type === 'toolCall' || event.type === 'toolResult') turn.recordTool(event);
    },
    async end(event) {
      if (event.type !== 'done' && event.type !== 'error') return event;
      await turn.finish(event);
      // A write that failed while it streamed (disk full…) is shown with the end of the answer.
      const failed = turn.writeError;
      const historyError = failed
        ? { historyError: { errorCode: failed.code, message: failed.message } }
        : {};
      return { ...event, ...ids, ...historyError };
    },
  };
}

/**
 * The conversation's `num_ctx` and `Think` switch (CONTRACT section 12), each unless the request
 * sets its own (a request's options that are not an object are left for validation to refuse).
 */
function withConversationOptions(
  options: unknown,
  conversation: Pick<Conversation, 'numCtx' | 'think'>,
): unknown {
  const stored = stripUndefined({
    numCtx: conversation.numCtx ?? undefined,
    think: conversation.think ?? undefined,
  });
  if (Object.keys(stored).length === 0) return options;
  if (options === undefined) return stored;
  if (typeof options !== 'object' || options === null) return options;
  return { ...stored, ...options };
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined));
}
