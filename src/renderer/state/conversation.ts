import type { ChatMessage, ChatStats, ToolCallEvent, ToolResultEvent, Usage } from '../../domain/chat';
import type { UiError } from '../errors/error-message';
import { type ToolCall, withToolEvent } from './tool-calls';

/** A file a user message carries (CONTRACT section 12), as the server answered its upload. */
export interface AttachedFile {
  id: string;
  name: string;
  mimeType: string;
  kind: 'image' | 'text' | 'pdf';
  /** About how many tokens the model reads of it, as the server estimated (absent: older files). */
  tokens?: number;
}

export interface UserMessage {
  id: string;
  role: 'user';
  content: string;
  /** Files sent with it (absent: none). */
  attachments?: AttachedFile[];
  /** Every version at this place of a stored conversation, this one included (absent: just this one). */
  siblingIds?: string[];
}

/**
 * `streaming` until the chat ends: `done`, `stopped` (partial text kept) or `error` (shown inline);
 * `interrupted`: a stored answer whose server went away while it streamed (its text so far kept).
 */
export type AnswerStatus = 'waiting' | 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

export interface AssistantMessage {
  id: string;
  role: 'assistant';
  content: string;
  thinking: string;
  status: AnswerStatus;
  providerId: string | null;
  modelId: string | null;
  finishReason: string | null;
  stats: ChatStats | null;
  usage: Usage | null;
  error: UiError | null;
  /** Older messages the server left out to fit the model's context window (`event: truncated`). */
  droppedMessages?: number;
  /** The tools it called, in order, each with its result once it came (absent: none). */
  toolCalls?: ToolCall[];
  siblingIds?: string[];
}

export type Message = UserMessage | AssistantMessage;

/** Messages by id plus their order: a token batch replaces one message object and keeps `order`. */
export interface Conversation {
  order: string[];
  byId: Record<string, Message>;
}

/** What one animation frame of a stream changes: text appended, and the end of the chat if it came. */
export interface StreamBatch {
  text: string;
  thinking: string;
  end:
    | null
    | {
        type: 'done';
        finishReason: string;
        providerId: string;
        modelId: string;
        usage: Usage;
        stats: ChatStats;
      }
    | { type: 'error'; error: UiError };
}

export type ConversationAction =
  /** A new question: the user message and the answer that will stream into it. */
  | { type: 'ask'; userId: string; content: string; answerId: string; attachments?: AttachedFile[] }
  /** Re-ask the question before `answerId` (regenerate or retry): the answer and all after it go. */
  | { type: 'reask'; answerId: string; newAnswerId: string }
  /** Edit a user message: the conversation forks there (it and all after it are replaced). */
  | {
      type: 'edit';
      userId: string;
      content: string;
      newUserId: string;
      answerId: string;
      attachments?: AttachedFile[];
    }
  | { type: 'started'; answerId: string; providerId: string; modelId: string }
  | { type: 'stream'; answerId: string; batch: StreamBatch }
  /** The server left out older messages to fit the context window (before any text). */
  | { type: 'truncated'; answerId: string; droppedMessages: number }
  /** The model called a tool, or a call's result came back. */
  | { type: 'tool'; answerId: string; event: ToolCallEvent | ToolResultEvent }
  | { type: 'stop'; answerId: string }
  | { type: 'fail'; answerId: string; error: UiError }
  /** The server stored the turn: its messages take the ids the server gave them. */
  | { type: 'stored'; ids: Record<string, string> }
  /** Following a running answer again from its start (after a reload): its text so far goes. */
  | { type: 'replay'; answerId: string }
  /** A stored conversation (or a branch of it) replaces what is shown. */
  | { type: 'load'; conversation: Conversation }
  | { type: 'clear' };

export const emptyConversation: Conversation = { order: [], byId: {} };

const newAnswer = (id: string): AssistantMessage => ({
  id,
  role: 'assistant',
  content: '',
  thinking: '',
  status: 'waiting',
  providerId: null,
  modelId: null,
  finishReason: null,
  stats: null,
  usage: null,
  error: null,
});

const userMessage = (id: string, content: string, attachments?: AttachedFile[]): UserMessage => ({
  id,
  role: 'user',
  content,
  ...(attachments?.length ? { attachments } : {}),
});

export const isInFlight = (message: Message | undefined): boolean =>
  message?.role === 'assistant' && (message.status === 'waiting' || message.status === 'streaming');

/** Keeps messages before index `end`, then appends `added`. */
function truncateAndAppend(state: Conversation, end: number, added: Message[]): Conversation {
  const order = state.order.slice(0, end);
  const byId: Record<string, Message> = {};
  for (const id of order) byId[id] = state.byId[id]!;
  for (const message of added) {
    order.push(message.id);
    byId[message.id] = message;
  }
  return { order, byId };
}

function updateAnswer(
  state: Conversation,
  id: string,
  change: (answer: AssistantMessage) => AssistantMessage,
): Conversation {
  const message = state.byId[id];
  if (message?.role !== 'assistant') return state;
  return { order: state.order, byId: { ...state.byId, [id]: change(message) } };
}

export function conversationReducer(state: Conversation, action: ConversationAction): Conversation {
  switch (action.type) {
    case 'ask':
      return truncateAndAppend(state, state.order.length, [
        userMessage(action.userId, action.content, action.attachments),
        newAnswer(action.answerId),
      ]);
    case 'reask': {
      const index = state.order.indexOf(action.answerId);
      if (index < 0) return state;
      return truncateAndAppend(state, index, [newAnswer(action.newAnswerId)]);
    }
    case 'edit': {
      const index = state.order.indexOf(action.userId);
      if (index < 0) return state;
      return truncateAndAppend(state, index, [
        userMessage(action.newUserId, action.content, action.attachments),
        newAnswer(action.answerId),
      ]);
    }
    case 'started':
      return updateAnswer(state, action.answerId, (answer) => ({
        ...answer,
        providerId: action.providerId,
        modelId: action.modelId,
      }));
    case 'stream':
      return updateAnswer(state, action.answerId, (answer) => applyBatch(answer, action.batch));
    case 'truncated':
      return updateAnswer(state, action.answerId, (answer) => ({
        ...answer,
        droppedMessages: action.droppedMessages,
      }));
    case 'tool':
      return updateAnswer(state, action.answerId, (answer) => ({
        ...answer,
        toolCalls: withToolEvent(answer.toolCalls, action.event),
      }));
    case 'stop':
      return updateAnswer(state, action.answerId, (answer) =>
        isInFlight(answer) ? { ...answer, status: 'stopped', finishReason: 'stopped' } : answer,
      );
    case 'fail':
      return updateAnswer(state, action.answerId, (answer) => ({
        ...answer,
        status: 'error',
        error: action.error,
      }));
    case 'stored':
      return renamed(state, action.ids);
    case 'replay':
      return updateAnswer(state, action.answerId, ({ toolCalls: _, ...answer }) => ({
        ...answer,
        content: '',
        thinking: '',
        status: 'streaming',
        finishReason: null,
        error: null,
      }));
    case 'load':
      return action.conversation;
    case 'clear':
      return emptyConversation;
  }
}

/** The same messages, those named in `ids` under their new id. */
function renamed(state: Conversation, ids: Record<string, string>): Conversation {
  if (!state.order.some((id) => ids[id] !== undefined)) return state;
  const order: string[] = [];
  const byId: Record<string, Message> = {};
  for (const id of state.order) {
    const message = state.byId[id]!;
    const next = ids[id];
    const kept = next === undefined ? message : { ...message, id: next };
    order.push(kept.id);
    byId[kept.id] = kept;
  }
  return { order, byId };
}

function applyBatch(answer: AssistantMessage, batch: StreamBatch): AssistantMessage {
  // A batch arriving after Stop (already in flight) must not revive the answer.
  if (!isInFlight(answer)) return answer;
  const next: AssistantMessage = {
    ...answer,
    content: batch.text === '' ? answer.content : answer.content + batch.text,
    thinking: batch.thinking === '' ? answer.thinking : answer.thinking + batch.thinking,
    status: 'streaming',
  };
  if (batch.end?.type === 'done') {
    const { finishReason, providerId, modelId, usage, stats } = batch.end;
    return {
      ...next,
      status: finishReason === 'stopped' ? 'stopped' : 'done',
      finishReason,
      providerId,
      modelId,
      usage,
      stats,
    };
  }
  if (batch.end?.type === 'error') return { ...next, status: 'error', error: batch.end.error };
  return next;
}

/**
 * The history sent with a request for the answer at `answerId`: every message before it, without
 * failed or empty answers (they were never part of what the model said).
 */
export function historyBefore(state: Conversation, answerId: string): ChatMessage[] {
  const index = state.order.indexOf(answerId);
  const ids = index < 0 ? state.order : state.order.slice(0, index);
  const history: ChatMessage[] = [];
  for (const id of ids) {
    const message = state.byId[id]!;
    if (message.role === 'user') {
      const attachmentIds = message.attachments?.map((file) => file.id) ?? [];
      history.push({
        role: 'user',
        content: message.content,
        ...(attachmentIds.length ? { attachmentIds } : {}),
      });
    } else if (message.status !== 'error' && message.content !== '') {
      history.push({ role: 'assistant', content: message.content });
    }
  }
  return history;
}

/** After a reload nothing is streaming any more: an answer that was in flight is kept, marked stopped. */
export function restoredConversation(state: Conversation): Conversation {
  let next = state;
  for (const id of state.order) {
    if (isInFlight(state.byId[id])) next = conversationReducer(next, { type: 'stop', answerId: id });
  }
  return next;
}

/**
 * True when two versions of a message differ at most in their streamed answer text (and both have
 * text or both have none): what a row's frame around the text needs to know, without re-rendering
 * on every streamed update.
 */
export function sameApartFromText(a: Message | undefined, b: Message | undefined): boolean {
  if (a === b) return true;
  if (a?.role !== 'assistant' || b?.role !== 'assistant' || (a.content === '') !== (b.content === ''))
    return false;
  // Both sides' fields: an optional one (tool calls) may be on one of them only.
  for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const key = field as keyof AssistantMessage;
    if (key !== 'content' && a[key] !== b[key]) return false;
  }
  return true;
}
