import type { ChatApi } from '../state/chat-turns';
import type { ToolApprovalsApi } from '../state/tool-approvals';
import { trpcClient } from './client';

type StartInput = Parameters<typeof trpcClient.chat.start.mutate>[0];
type EventsInput = Parameters<typeof trpcClient.chat.events.subscribe>[0];

/** The chat calls over whichever transport this window uses. */
export const chatApi: ChatApi = {
  // The stored-chat fields of CONTRACT section 10 (`conversationId`, `prompt`…, and `after` to
  // re-attach) may be missing from the router's input types while the server learns them; the server
  // validates what it is sent.
  start: (input) => trpcClient.chat.start.mutate(input as StartInput),
  events: (chatId, handlers, options) =>
    trpcClient.chat.events.subscribe(
      (options?.after === undefined ? { chatId } : { chatId, after: options.after }) as EventsInput,
      { onData: handlers.onData, onError: handlers.onError, onComplete: handlers.onComplete },
    ),
  stop: (chatId) => trpcClient.chat.stop.mutate({ chatId }),
};

/** Tool calls waiting for approval, and the user's answers (CONTRACT section 11). */
export const toolApprovalsApi: ToolApprovalsApi = {
  pendingApprovals: (handlers) =>
    trpcClient.chat.pendingApprovals.subscribe(undefined, {
      onData: handlers.onData,
      onError: handlers.onError,
    }),
  decideTool: (input) => trpcClient.chat.decideTool.mutate(input),
};
