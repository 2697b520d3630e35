import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat.js';
import type { ModelDetails } from '../../src/domain/provider.js';
import { ChatService } from '../../src/domain/services/chat-service.js';
import { ProviderRegistry } from '../../src/domain/services/provider-registry.js';
import { type SettingsInput, settingsSchema } from '../../src/domain/settings.js';
import { fakeProvider, MemoryChatLog } from './support/fakes.js';

/** A chat service over one fake provider whose model has `details` (as Ollama's /api/show says). */
function world(options: {
  details?: ModelDetails;
  type?: 'ollama' | 'openai';
  provider?: Record<string, unknown>;
}) {
  const provider = fakeProvider();
  const asked: string[] = [];
  if (options.details) {
    provider.modelDetails = async (model) => {
      asked.push(model);
      return options.details;
    };
  }
  const providers = new ProviderRegistry({
    ollama: (config) => Object.assign(provider, { config }),
    openai: (config) => Object.assign(provider, { config }),
    anthropic: () => provider,
    gemini: () => provider,
  });
  const settings: SettingsInput = {
    defaultProvider: 'local',
    providers: [{ id: 'local', type: options.type ?? 'ollama', defaultModel: 'm1', ...options.provider }],
  };
  providers.rebuild(settingsSchema.parse(settings));
  return { chat: new ChatService({ providers, log: new MemoryChatLog() }), provider, asked };
}

const long = (tag: string) => `${tag} ${'word '.repeat(400)}`; // ~500 tokens
const conversation = [
  { role: 'user', content: long('first question') },
  { role: 'assistant', content: long('first answer') },
  { role: 'user', content: long('second question') },
  { role: 'assistant', content: long('second answer') },
  { role: 'user', content: 'And now?' },
];

async function run(chat: ChatService, input: unknown): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const event of chat.answer(input, new AbortController().signal)) events.push(event);
  return events;
}

describe('the context window of a chat (CONTRACT section 12)', () => {
  it('drops the oldest turns that do not fit, says so first, and marks done as truncated', async () => {
    const { chat, provider } = world({ details: { capabilities: ['completion'], contextLength: 2048 } });
    const events = await run(chat, { messages: conversation, systemPrompt: 'Be brief.' });
    expect(events[0]).toEqual({ type: 'truncated', droppedMessages: 2 });
    expect(events.at(-1)).toMatchObject({ type: 'done', truncated: true });
    const sent = provider.requests[0]!;
    expect(sent.messages.map((message) => message.content.split(' ').slice(0, 2).join(' '))).toEqual([
      'Be brief.',
      'second question',
      'second answer',
      'And now?',
    ]);
    expect(sent.options.numCtx).toBe(2048);
  });

  it("sends Ollama the model's context length capped at 32,768 as num_ctx, and says nothing when all fits", async () => {
    const { chat, provider } = world({ details: { capabilities: ['completion'], contextLength: 131_072 } });
    const events = await run(chat, { messages: conversation });
    expect(events.map((event) => event.type)).not.toContain('truncated');
    expect(events.at(-1)).not.toHaveProperty('truncated');
    expect(provider.requests[0]?.options.numCtx).toBe(32_768);
    expect(provider.requests[0]?.messages).toHaveLength(5);
  });

  it("takes the request's (the conversation's) num_ctx over the model's length", async () => {
    const { chat, provider, asked } = world({ details: { contextLength: 131_072 } });
    const events = await run(chat, { messages: conversation, options: { numCtx: 1024 } });
    expect(asked).toEqual([]);
    expect(events[0]).toEqual({ type: 'truncated', droppedMessages: 4 });
    expect(provider.requests[0]?.options.numCtx).toBe(1024);
  });

  it('refuses with CONTEXT_TOO_LONG before anything is sent when the newest message alone does not fit', async () => {
    const { chat, provider } = world({ details: { contextLength: 512 } });
    await expect(chat.prepare({ messages: [{ role: 'user', content: long('huge') }] })).rejects.toMatchObject(
      {
        code: 'CONTEXT_TOO_LONG',
      },
    );
    expect(provider.requests).toHaveLength(0);
  });

  it('uses context_length from providers[].models where the API says nothing, without sending num_ctx to non-Ollama APIs', async () => {
    const { chat, provider } = world({
      type: 'openai',
      provider: { host: 'https://api.example.test/v1', models: { m1: { contextLength: 2048 } } },
    });
    const events = await run(chat, { messages: conversation });
    expect(events[0]).toEqual({ type: 'truncated', droppedMessages: 2 });
    expect(provider.requests[0]?.options.numCtx).toBeUndefined();
  });

  it('sends everything, as before, when the window is unknown', async () => {
    const { chat, provider } = world({});
    const events = await run(chat, { messages: conversation });
    expect(events.map((event) => event.type)).toEqual(['token', 'token', 'done']);
    expect(provider.requests[0]?.options.numCtx).toBeUndefined();
  });
});
