import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightChatClient, errorCodeOf, type LightChatClient } from '../../../src/client/index.js';
import { waitFor } from '../../fixtures/index.js';
import { startWorld, type World } from './support.js';

let world: World;
let client: LightChatClient;
beforeAll(async () => {
  world = await startWorld({ history: true });
  client = createLightChatClient({ url: world.url, token: world.token });
});
afterAll(() => world.close());

describe('tRPC conversations.* and search', () => {
  it('creates, renames, lists, reads, searches and deletes, with changes pushed to subscribers', async () => {
    const changes: (string | null)[] = [];
    const subscription = client.conversations.changes.subscribe(undefined, {
      onData: (change) => changes.push(change.conversationId),
    });
    try {
      expect(await client.conversations.status.query()).toMatchObject({ available: true });
      const created = await client.conversations.create.mutate({ title: 'Walrus facts' });
      await waitFor(() => changes.includes(created.id), 10_000, 'the change reaches the subscriber');
      const renamed = await client.conversations.update.mutate({
        id: created.id,
        title: 'Walrus tusks',
        pinned: true,
      });
      expect(renamed).toMatchObject({ title: 'Walrus tusks', pinned: true });
      expect((await client.conversations.list.query()).items.map((c) => c.id)).toContain(created.id);
      expect(await client.conversations.get.query({ id: created.id })).toMatchObject({ messages: [] });
      expect(await client.conversations.get.query({ id: created.id, last: 40 })).toMatchObject({
        messages: [],
        earlier: 0,
      });
      const found = await client.search.query({ query: 'tusks' });
      expect(found[0]).toMatchObject({ conversationId: created.id, snippet: 'Walrus <mark>tusks</mark>' });
      await client.conversations.delete.mutate({ id: created.id });
      const error = await client.conversations.get.query({ id: created.id }).catch((e: unknown) => e);
      expect(errorCodeOf(error)).toBe('CONVERSATION_NOT_FOUND');
    } finally {
      subscription.unsubscribe();
    }
  });
});
