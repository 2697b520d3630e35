import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightChatClient } from '../../../src/client/index.js';
import { createLightChatClient } from '../../../src/client/index.js';
import { TITLE_INSTRUCTION } from '../../../src/domain/services/auto-title.js';
import { FAKE_OLLAMA_ANSWER, waitFor } from '../../fixtures/index.js';
import { postChat, readSse, startWorld, type World } from './support.js';

let world: World;
let client: LightChatClient;
const titleRequests: Record<string, unknown>[] = [];
beforeAll(async () => {
  world = await startWorld({
    history: true,
    autoTitle: true,
    ollama: {
      behaviour: (request) => {
        if (request.messages[0]?.content === TITLE_INSTRUCTION) {
          titleRequests.push(request.body);
          return { text: 'Rainbow colours explained' };
        }
        return { text: FAKE_OLLAMA_ANSWER };
      },
    },
  });
  client = createLightChatClient({ url: world.url, token: world.token });
});
afterAll(() => world.close());

describe('auto titles through the chat engine (CONTRACT section 10)', () => {
  it('the first line at once, then the title model’s title, announced on conversations.changes and never logged', async () => {
    const changed: (string | null)[] = [];
    const subscription = client.conversations.changes.subscribe(undefined, {
      onData: (change) => changed.push(change.conversationId),
    });
    try {
      const response = await postChat(world, {
        conversation_id: 'new',
        prompt: 'Which colours\nare in a rainbow?',
      });
      const { events } = await readSse(response);
      const id = (events[0]!.data as { conversation_id: string }).conversation_id;
      expect(events.at(-1)?.event).toBe('done');
      const atDone = changed.length;
      const title = async () => (await client.conversations.get.query({ id })).conversation.title;
      await waitForAsync(async () => (await title()) === 'Rainbow colours explained');
      await waitFor(() => changed.slice(atDone).includes(id), 'the new title is announced');
      expect(titleRequests[0]).toMatchObject({ options: { num_predict: 32 } });
      const logged = await client.logs.recent.query({ limit: 50 });
      expect(logged.some((entry) => entry.content.includes('Rainbow colours explained'))).toBe(false);
      expect(logged.filter((entry) => entry.role === 'user').map((entry) => entry.content)).toEqual([
        'Which colours\nare in a rainbow?',
      ]);
    } finally {
      subscription.unsubscribe();
    }
  });
});

async function waitForAsync(predicate: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the title did not change');
}
