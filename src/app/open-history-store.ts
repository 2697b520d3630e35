import { MemoryConversationStore } from '../adapters/store/memory-conversation-store.js';
import { SqliteConversationStore } from '../adapters/store/sqlite-conversation-store.js';
import type { ConversationStore } from '../domain/ports/conversation-store.port.js';

/** The stores of a run: the durable one and the one for temporary conversations. */
export async function openHistoryStore(options: {
  enabled: boolean;
  dataDir: string;
  /** A size cap in pages: past it, writes fail as on a full disk (tests of that fault). */
  maxPageCount?: number | undefined;
}): Promise<{
  store: ConversationStore;
  temporary: ConversationStore;
  close(): Promise<void>;
}> {
  const temporary = new MemoryConversationStore();
  // With history off, lightchat.db is not even opened: nothing of this run reaches the disk (and the
  // service, told history is off, never asks the stand-in).
  const store = options.enabled
    ? await SqliteConversationStore.open({
        dataDir: options.dataDir,
        ...(options.maxPageCount ? { maxPageCount: options.maxPageCount } : {}),
      })
    : new MemoryConversationStore();
  return {
    store,
    temporary,
    async close() {
      await store.close();
      await temporary.close();
    },
  };
}
