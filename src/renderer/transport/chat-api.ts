import type { ChatApi } from '../state/chat-turns';
import { trpcClient } from './client';

/** The chat calls over whichever transport this window uses. */
export const chatApi: ChatApi = {
  start: (input) => trpcClient.chat.start.mutate(input),
  events: (chatId, handlers) =>
    trpcClient.chat.events.subscribe(
      { chatId },
      { onData: handlers.onData, onError: handlers.onError, onComplete: handlers.onComplete },
    ),
};
