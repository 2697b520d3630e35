import type { Message as StoredMessage } from '../../domain/conversation';
import { toUiError } from '../errors/error-message';
import type { AssistantMessage, AttachedFile, Conversation, Message } from '../state/conversation';
import { toolCallsFromStored } from './tool-calls';

const KINDS = new Set(['image', 'text', 'pdf']);

/** The files a stored message names, read without zod (its schemas trip the page's CSP). */
const filesOf = (records: readonly Record<string, unknown>[]): AttachedFile[] =>
  records.flatMap(({ id, name, mimeType, kind, tokens }) =>
    typeof id === 'string' &&
    typeof name === 'string' &&
    typeof mimeType === 'string' &&
    KINDS.has(String(kind))
      ? [
          {
            id,
            name,
            mimeType,
            kind: kind as AttachedFile['kind'],
            ...(typeof tokens === 'number' ? { tokens } : {}),
          },
        ]
      : [],
  );

/** A stored answer's end, in the words the answer view uses for its note. */
const FINISH_REASONS: Partial<Record<StoredMessage['status'], string>> = {
  stopped: 'stopped',
  interrupted: 'interrupted',
};

function toMessage(stored: StoredMessage): Message {
  const siblingIds = stored.siblingIds.length > 1 ? stored.siblingIds : undefined;
  if (stored.role === 'user') {
    const attachments = filesOf(stored.attachments);
    return {
      id: stored.id,
      role: 'user',
      content: stored.content,
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(siblingIds ? { siblingIds } : {}),
    };
  }
  const answer: AssistantMessage = {
    id: stored.id,
    role: 'assistant',
    content: stored.content,
    thinking: stored.thinking,
    status: stored.status,
    providerId: stored.providerId,
    modelId: stored.modelId,
    finishReason: FINISH_REASONS[stored.status] ?? (stored.status === 'done' ? 'stop' : null),
    stats: stored.stats,
    usage: stored.usage,
    // Only the code is stored: the view words it (title and what to do) from the code.
    error: stored.status === 'error' ? toUiError({ errorCode: stored.errorCode ?? 'INTERNAL' }) : null,
  };
  const toolCalls = toolCallsFromStored(stored.toolCalls);
  if (toolCalls.length > 0) answer.toolCalls = toolCalls;
  return siblingIds ? { ...answer, siblingIds } : answer;
}

/** The branch the server sent (root first) as the transcript shows it. */
export function fromStored(messages: StoredMessage[]): Conversation {
  const byId: Record<string, Message> = {};
  const order: string[] = [];
  for (const stored of messages) {
    byId[stored.id] = toMessage(stored);
    order.push(stored.id);
  }
  return { order, byId };
}

const ENDED = new Set(['done', 'stopped', 'error', 'interrupted']);

/**
 * The server's copy of the branch shown, keeping what this window already has of an answer that
 * ended here while the server's copy still lags behind (its last text is written as the answer ends,
 * and a read may come first): such an answer keeps its text and takes only the versions.
 */
export function mergeStored(local: Conversation, messages: StoredMessage[]): Conversation {
  const next = fromStored(messages);
  for (const id of next.order) {
    const mine = local.byId[id];
    const theirs = next.byId[id]!;
    if (mine?.role !== 'assistant' || theirs.role !== 'assistant' || !ENDED.has(mine.status)) continue;
    // Stopped here without the server's end (it did not come within the grace of `requestStop`): the
    // text stays as the window showed it, though the server may have kept a few more tokens.
    const stoppedHere = mine.status === 'stopped' && theirs.status === 'stopped';
    if (stoppedHere || theirs.status === 'streaming' || theirs.content.length < mine.content.length) {
      next.byId[id] = theirs.siblingIds ? { ...mine, siblingIds: theirs.siblingIds } : mine;
    }
  }
  return next;
}

/** Messages read from before the first one shown (scrolling up a long conversation) go above it. */
export function prependStored(local: Conversation, messages: StoredMessage[]): Conversation {
  const earlier = fromStored(messages.filter((message) => local.byId[message.id] === undefined));
  return { order: [...earlier.order, ...local.order], byId: { ...earlier.byId, ...local.byId } };
}

/**
 * The latest window of the branch, read again (a change elsewhere), merged into what is shown: the
 * messages loaded above it stay when the window starts among them; otherwise (another branch, many
 * new messages) the window replaces them. `earlier`: how many of the branch's messages are not loaded.
 */
export function mergeLatest(
  local: Conversation,
  loaded: { messages: StoredMessage[]; earlier?: number },
): { conversation: Conversation; earlier: number } {
  const merged = mergeStored(local, loaded.messages);
  const first = merged.order[0];
  const kept = first === undefined ? -1 : local.order.indexOf(first);
  const earlier = loaded.earlier ?? 0;
  if (kept <= 0) return { conversation: merged, earlier };
  const above = local.order.slice(0, kept);
  const byId = { ...merged.byId };
  for (const id of above) byId[id] = local.byId[id]!;
  return {
    conversation: { order: [...above, ...merged.order], byId },
    earlier: Math.max(0, earlier - kept),
  };
}
