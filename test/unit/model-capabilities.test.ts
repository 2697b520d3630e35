import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat.js';
import { ChatService } from '../../src/domain/services/chat-service.js';
import { isChatModel } from '../../src/domain/services/model-filter.js';
import { ProviderRegistry } from '../../src/domain/services/provider-registry.js';
import { settingsSchema } from '../../src/domain/settings.js';
import { type FakeAttempt, fakeProvider, MemoryChatLog } from './support/fakes.js';

function serviceWith(options: Parameters<typeof fakeProvider>[0]) {
  const provider = fakeProvider(options);
  const providers = new ProviderRegistry({
    ollama: () => provider,
    openai: () => provider,
    anthropic: () => provider,
    gemini: () => provider,
  });
  providers.rebuild(
    settingsSchema.parse({ defaultProvider: 'fake', providers: [{ id: 'fake', type: 'gemini' }] }),
  );
  return { chat: new ChatService({ providers, log: new MemoryChatLog() }), provider };
}

const ask = { messages: [{ role: 'user', content: 'Hi' }] };

describe('models offered for chat', () => {
  it('goes by the capabilities the API gave: an embedding-only model is not a chat model, whatever its id', () => {
    expect(isChatModel('gemini', { id: 'nomic-v1', name: 'n', capabilities: ['embedding'] })).toBe(false);
    expect(
      isChatModel('gemini', { id: 'gemini-2.5-flash', name: 'g', capabilities: ['completion', 'thinking'] }),
    ).toBe(true);
    // Without capabilities the id decides, as before.
    expect(isChatModel('openai', { id: 'text-embedding-3-small', name: 't', capabilities: null })).toBe(
      false,
    );
    expect(isChatModel('openai', { id: 'gpt-4o-mini', name: 'g' })).toBe(true);
  });

  it('picks the first chat model listed as the default model', async () => {
    const { chat } = serviceWith({
      models: [
        { id: 'nomic-v1', name: 'n', capabilities: ['embedding'] },
        { id: 'gemini-2.5-flash', name: 'g', capabilities: ['completion'] },
      ],
    });
    expect((await chat.prepare(ask)).modelId).toBe('gemini-2.5-flash');
  });
});

describe('thinking signatures', () => {
  it('hands the signature to the chat that asked for it, never as an event, and not as the first token', async () => {
    const attempt: FakeAttempt = { thinking: ['Plan.'], signature: 'SIG==', tokens: ['Hi'] };
    const { chat } = serviceWith({ attempts: [attempt] });
    const prepared = await chat.prepare(ask);
    const signatures: string[] = [];
    prepared.onSignature = (signature) => signatures.push(signature);
    const events: ChatEvent[] = [];
    for await (const event of chat.stream(prepared, new AbortController().signal)) events.push(event);
    expect(signatures).toEqual(['SIG==']);
    expect(events.map((event) => event.type)).toEqual(['thinking', 'token', 'done']);
    expect(JSON.stringify(events)).not.toContain('SIG==');
  });
});
