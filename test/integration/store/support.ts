import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { MemoryConversationStore } from '../../../src/adapters/store/memory-conversation-store.js';
import {
  SqliteConversationStore,
  type SqliteStoreOptions,
} from '../../../src/adapters/store/sqlite-conversation-store.js';
import type { ChatDoneEvent } from '../../../src/domain/chat.js';
import { ConversationService } from '../../../src/domain/services/conversation-service.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A data directory in a temp dir, removed after the test. */
export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lightchat-history-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real store on a real file, closed after the test. */
export async function openStore(dataDir: string, options: Partial<SqliteStoreOptions> = {}) {
  const store = await SqliteConversationStore.open({ dataDir, ...options });
  cleanups.push(() => store.close());
  return store;
}

export async function historyWorld(dataDir = tempDataDir(), options: Partial<SqliteStoreOptions> = {}) {
  const store = await openStore(dataDir, options);
  const service = new ConversationService({ store, temporary: new MemoryConversationStore() });
  /** One send, answered with `answer` and finished. */
  async function send(target: Record<string, unknown>, answer = 'ok') {
    const plan = await service.planTurn(target);
    const turn = await service.beginTurn(plan, { providerId: 'p', modelId: 'm' }, { onError: () => {} });
    turn.append({ type: 'token', text: answer });
    await turn.finish(doneEvent);
    return turn;
  }
  return { dataDir, store, service, send };
}

export const doneEvent: ChatDoneEvent = {
  type: 'done',
  finishReason: 'stop',
  providerId: 'p',
  modelId: 'm',
  usage: { promptTokens: 1, completionTokens: 1 },
  stats: { ttftMs: 1, durationMs: 1, tokensPerS: 1 },
};
