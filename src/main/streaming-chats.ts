import type { LightChat } from '../app/create-lightchat.js';
import type { ChatService } from '../domain/services/chat-service.js';

/**
 * The core with its chats counted while they stream, whichever transport started them (IPC or
 * the HTTP API): "restart to update" is refused while one runs.
 */
export function countStreamingChats(core: LightChat): { core: LightChat; isStreaming(): boolean } {
  const original = core.chat;
  let streaming = 0;
  // Inherits every method from the real service; only `stream` is wrapped.
  const chat = Object.create(original) as ChatService;
  chat.stream = async function* (prepared, signal) {
    streaming += 1;
    try {
      yield* original.stream(prepared, signal);
    } finally {
      streaming -= 1;
    }
  };
  return { core: { ...core, chat }, isStreaming: () => streaming > 0 };
}
