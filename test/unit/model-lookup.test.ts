import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatRegistry } from '../../src/adapters/api/chat-registry.js';
import { ChatService, MODEL_LOOKUP_TIMEOUT_MS } from '../../src/domain/services/chat-service.js';
import { ProviderRegistry } from '../../src/domain/services/provider-registry.js';
import { settingsSchema } from '../../src/domain/settings.js';
import { fakeProvider, MemoryChatLog } from './support/fakes.js';

/** A provider with no default model whose model list answers only when its signal aborts. */
function slowModelList() {
  const lookups: AbortSignal[] = [];
  const provider = fakeProvider();
  provider.listModels = (signal?: AbortSignal) => {
    if (signal) lookups.push(signal);
    return new Promise((_, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  };
  const providers = new ProviderRegistry({
    ollama: () => provider,
    openai: () => provider,
    anthropic: () => provider,
    gemini: () => provider,
  });
  providers.rebuild(
    settingsSchema.parse({ defaultProvider: 'fake', providers: [{ id: 'fake', type: 'ollama' }] }),
  );
  const chat = new ChatService({ providers, log: new MemoryChatLog() });
  return { chat, lookups };
}

const ask = { messages: [{ role: 'user', content: 'Hi' }] };

afterEach(() => {
  vi.useRealTimers();
});

describe('the model lookup of a chat that names no model', () => {
  it('chat.start passes its signal to the model lookup: the caller leaving stops it', async () => {
    const { chat, lookups } = slowModelList();
    const registry = new ChatRegistry({ chat });
    const caller = new AbortController();
    const started = registry.start(ask, caller.signal).catch((error: unknown) => error);
    await vi.waitFor(() => expect(lookups).toHaveLength(1));
    caller.abort();
    await started;
    expect(lookups[0]?.aborted).toBe(true);
    expect(registry.size).toBe(0);
  });

  it(`gives up after ${MODEL_LOOKUP_TIMEOUT_MS / 1000} s with a timeout the adapters report as PROVIDER_TIMEOUT`, async () => {
    vi.useFakeTimers();
    const { chat, lookups } = slowModelList();
    const prepared = chat.prepare(ask).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(0);
    expect(lookups).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(MODEL_LOOKUP_TIMEOUT_MS - 1);
    expect(lookups[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(lookups[0]?.aborted).toBe(true);
    expect(lookups[0]?.reason).toMatchObject({ name: 'TimeoutError' });
    await prepared;
  });
});
