/**
 * Another LightChat process on the same data directory, for the multi-process tests: it runs the
 * real store and service and obeys commands sent over IPC. Started with `node --import tsx`.
 */
import { MemoryConversationStore } from '../../../src/adapters/store/memory-conversation-store.js';
import { SqliteConversationStore } from '../../../src/adapters/store/sqlite-conversation-store.js';
import { ConversationService } from '../../../src/domain/services/conversation-service.js';
import type { StoredTurn } from '../../../src/domain/services/stored-turn.js';

export type ChildCommand =
  | { cmd: 'begin'; prompt: string }
  | { cmd: 'append'; text: string }
  | { cmd: 'waitStored'; text: string }
  | { cmd: 'create'; title: string };

const dataDir = process.argv[2] as string;
const store = await SqliteConversationStore.open({ dataDir });
const service = new ConversationService({ store, temporary: new MemoryConversationStore() });
let turn: StoredTurn | null = null;
const reply = (message: unknown) => process.send?.(message);

process.on('message', async (message: ChildCommand) => {
  try {
    if (message.cmd === 'begin') {
      const plan = await service.planTurn({ conversationId: 'new', prompt: message.prompt });
      turn = await service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} });
      reply({ conversationId: turn.conversationId, assistantMessageId: turn.assistantMessageId });
    } else if (message.cmd === 'append') {
      turn?.append({ type: 'token', text: message.text });
      reply({ ok: true });
    } else if (message.cmd === 'waitStored') {
      // Until the text so far has reached the database (the once-a-second write).
      for (;;) {
        const { messages } = await service.get(turn?.conversationId as string);
        if (messages.at(-1)?.content === message.text) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      reply({ ok: true });
    } else if (message.cmd === 'create') {
      reply(await service.create({ title: message.title }));
    }
  } catch (error) {
    reply({ error: String(error) });
  }
});
reply({ ready: true, status: store.status() });
