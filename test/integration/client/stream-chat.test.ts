import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type ChatEvent,
  createLightChatClient,
  errorCodeOf,
  type LightChatClient,
  streamChat,
} from '../../../src/client/index.js';
import { FAKE_OLLAMA_ANSWER, fakeSettled, waitFor } from '../../fixtures/index.js';
import { startWorld, type World } from '../api/support.js';

let world: World;
let client: LightChatClient;
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: ['llama3.2', 'slow', 'echo-length'],
      behaviour: (request) => {
        if (request.model === 'slow') return { text: FAKE_OLLAMA_ANSWER, tokensPerSecond: 20 };
        if (request.model === 'echo-length') {
          const chars = request.messages.reduce((sum, message) => sum + message.content.length, 0);
          return { text: `I read ${request.messages.length} messages, ${chars} characters.` };
        }
        return { text: FAKE_OLLAMA_ANSWER };
      },
    },
  });
  client = createLightChatClient({ url: world.url, settingsPath: world.settingsPath });
});
afterAll(() => world.close());

const providerSettled = () => fakeSettled(world.ollama);

describe('streamChat', () => {
  it('yields the tokens, then done, and ends', async () => {
    const events: ChatEvent[] = [];
    for await (const event of streamChat(client, { messages: [{ role: 'user', content: 'Hi' }] }))
      events.push(event);
    expect(events.flatMap((event) => (event.type === 'token' ? [event.text] : [])).join('')).toBe(
      FAKE_OLLAMA_ANSWER,
    );
    expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'done', finishReason: 'stop' }));
  });

  it('carries a 40 KB conversation (too long for a URL) through chat.start', async () => {
    const messages = Array.from({ length: 40 }, (_, i) => ({
      role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `${i}:`.padEnd(1024, 'x'),
    }));
    messages.push({ role: 'user', content: 'and now?' });
    let text = '';
    for await (const event of streamChat(client, { messages, modelId: 'echo-length' })) {
      if (event.type === 'token') text += event.text;
    }
    const chars = messages.reduce((sum, message) => sum + message.content.length, 0);
    expect(chars).toBeGreaterThan(40_000);
    expect(text).toBe(`I read 41 messages, ${chars} characters.`);
  });

  // The slow answer would end by itself in about half a second: an abort seen is the abort passed on.
  it('leaving the loop early stops the chat: the provider request is aborted', async () => {
    await providerSettled();
    const aborted = world.ollama.stats.aborted;
    for await (const event of streamChat(client, {
      messages: [{ role: 'user', content: 'Hi' }],
      modelId: 'slow',
    })) {
      if (event.type === 'token') break;
    }
    await waitFor(() => world.ollama.stats.aborted === aborted + 1, 'the fake sees the abort');
  });

  it('an exception in the loop stops the chat too', async () => {
    await providerSettled();
    const aborted = world.ollama.stats.aborted;
    await expect(async () => {
      for await (const event of streamChat(client, {
        messages: [{ role: 'user', content: 'Hi' }],
        modelId: 'slow',
      })) {
        if (event.type === 'token') throw new Error('the reader gave up');
      }
    }).rejects.toThrow('the reader gave up');
    await waitFor(() => world.ollama.stats.aborted === aborted + 1, 'the fake sees the abort');
  });

  it('throws start errors with their code', async () => {
    const start = async () => {
      for await (const _ of streamChat(client, {
        messages: [{ role: 'user', content: 'Hi' }],
        providerId: 'ghost',
      })) {
        // nothing arrives
      }
    };
    const error = await start().catch((reason: unknown) => reason);
    expect(errorCodeOf(error)).toBe('PROVIDER_NOT_FOUND');
  });
});

describe('createLightChatClient', () => {
  it('sends a mutation alone and at once (chat.start is on the way to the first token); queries are batched', async () => {
    const fetched = vi.spyOn(globalThis, 'fetch');
    try {
      const { chatId } = await client.chat.start.mutate({ messages: [{ role: 'user', content: 'Hi' }] });
      await client.chat.stop.mutate({ chatId });
      await Promise.all([client.health.query(), client.providers.list.query()]);
      // The server runs in this process: its own requests (to the fake provider) are left out.
      const paths = fetched.mock.calls
        .map(([input]) => new URL(input instanceof Request ? input.url : String(input)))
        .filter((url) => url.pathname.startsWith('/trpc/'))
        .map((url) => `${url.pathname}${url.search}`);
      // A batch leaves on a timer; these two did not wait for one.
      expect(paths).toEqual([
        '/trpc/chat.start',
        '/trpc/chat.stop',
        '/trpc/health,providers.list?batch=1&input=%7B%7D',
      ]);
    } finally {
      fetched.mockRestore();
    }
  });
});

describe('examples/ask.ts', () => {
  it('runs with tsx against a server and prints the streamed answer', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/ask.ts', 'Hi there'],
      {
        env: { ...process.env, LIGHTCHAT_URL: world.url, LIGHTCHAT_CONFIG: world.settingsPath },
        timeout: 20_000,
      },
    );
    expect(stdout).toContain(FAKE_OLLAMA_ANSWER);
    expect(stdout).toContain('(fake_ollama/llama3.2, 12 tokens)');
  });
});
