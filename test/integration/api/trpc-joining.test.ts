import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../../src/client/index.js';
import { createLightChatClient } from '../../../src/client/index.js';
import { startWorld, type World } from './support.js';

const TOKENS = 5_000;
const tokens = Array.from({ length: TOKENS }, (_, i) => `${i % 10}`);

let world: World;
beforeAll(async () => {
  // The OpenAI adapter hands on one chunk per SSE event: any joining seen here is the subscription's.
  world = await startWorld({ openai: { models: ['gpt-4o-mini'], behaviour: { tokens } } });
});
afterAll(() => world.close());

function subscribeAll(chatId: string): Promise<ChatEvent[]> {
  const client = createLightChatClient({ url: world.url, token: world.token });
  const events: ChatEvent[] = [];
  return new Promise((resolve, reject) => {
    client.chat.events.subscribe(
      { chatId },
      {
        onData: (event) => events.push(event),
        onError: reject,
        onComplete: () => resolve(events),
      },
    );
  });
}

describe('chat.events over tRPC', () => {
  it('sends a burst of waiting tokens as fewer events with the identical text; the first token alone', async () => {
    const client = createLightChatClient({ url: world.url, token: world.token });
    const { chatId } = await client.chat.start.mutate({
      messages: [{ role: 'user', content: 'flood me' }],
      providerId: 'fake_openai',
    });
    const events = await subscribeAll(chatId);
    const texts = events.flatMap((event) => (event.type === 'token' ? [event.text] : []));
    expect(texts.join('')).toBe(tokens.join(''));
    // Without joining there is one event per token; how many are joined depends on the machine's load.
    expect(texts.length).toBeLessThan(TOKENS);
    expect(texts[0]).toBe('0');
    expect(events.filter((event) => event.type === 'done' || event.type === 'error')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
  });
});
