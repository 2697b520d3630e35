import { describe, expect, it, vi } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat.js';
import type { AppError } from '../../src/domain/errors.js';
import type { ModelInfo } from '../../src/domain/provider.js';
import { ChatService } from '../../src/domain/services/chat-service.js';
import { ProviderRegistry } from '../../src/domain/services/provider-registry.js';
import { type ProviderConfig, settingsSchema } from '../../src/domain/settings.js';
import { CLEANUP_ABORT } from '../../src/shared/cleanup-abort.js';
import { errors, type FakeAttempt, fakeProvider, MemoryChatLog } from './support/fakes.js';

function chatWorld(
  options: { attempts?: FakeAttempt[]; config?: Partial<ProviderConfig>; models?: ModelInfo[] } = {},
) {
  const provider = fakeProvider(options);
  const registry = new ProviderRegistry({
    ollama: () => provider,
    openai: () => provider,
    anthropic: () => provider,
    gemini: () => provider,
  });
  registry.rebuild(
    settingsSchema.parse({ defaultProvider: 'fake', providers: [{ id: 'fake', type: 'ollama' }] }),
  );
  const log = new MemoryChatLog();
  const chat = new ChatService({ providers: registry, log });
  return { provider, registry, log, chat };
}

const ask = (content = 'Hi', extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user', content }],
  ...extra,
});

async function collect(
  iterable: AsyncIterable<ChatEvent>,
): Promise<{ events: ChatEvent[]; error: AppError | null }> {
  const events: ChatEvent[] = [];
  try {
    for await (const event of iterable) events.push(event);
    return { events, error: null };
  } catch (error) {
    return { events, error: error as AppError };
  }
}

const text = (events: ChatEvent[]) =>
  events.flatMap((event) => (event.type === 'token' ? [event.text] : [])).join('');

describe('ChatService: resolution', () => {
  it('uses the default provider and the first chat model it lists when none is given', async () => {
    const { chat } = chatWorld({
      models: [
        { id: 'nomic-embed-text', name: 'e' },
        { id: 'llama3.2', name: 'l' },
      ],
    });
    const prepared = await chat.prepare(ask());
    expect(prepared.providerId).toBe('fake');
    expect(prepared.modelId).toBe('llama3.2');
  });

  it("prefers the request's model, then the provider's default_model", async () => {
    const { chat } = chatWorld({ config: { defaultModel: 'configured' } });
    expect((await chat.prepare(ask())).modelId).toBe('configured');
    expect((await chat.prepare(ask('Hi', { modelId: 'asked' }))).modelId).toBe('asked');
  });

  it('fails before any stream on an unknown provider, naming the known ones', async () => {
    const { chat } = chatWorld();
    await expect(chat.prepare(ask('Hi', { providerId: 'nope' }))).rejects.toMatchObject({
      code: 'PROVIDER_NOT_FOUND',
      message: expect.stringContaining('fake'),
    });
  });

  it('fails with MODEL_NOT_FOUND and a pull hint when Ollama lists no model', async () => {
    const { chat } = chatWorld({ models: [] });
    await expect(chat.prepare(ask())).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringContaining('ollama pull'),
    });
  });

  it('rejects a request without a user message as VALIDATION_ERROR', async () => {
    const { chat } = chatWorld();
    await expect(chat.prepare({ messages: [] })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(
      chat.prepare({ messages: [{ role: 'user', content: 'x' }], extra: 1 }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });
});

describe('ChatService: system prompt', () => {
  it("sends the request's system prompt as the first system message, replacing a leading one", async () => {
    const { chat, provider } = chatWorld({ config: { systemPrompt: 'from provider' } });
    const messages = [
      { role: 'system', content: 'old' },
      { role: 'user', content: 'Hi' },
    ];
    await collect(chat.answer({ messages, systemPrompt: 'from request' }, new AbortController().signal));
    expect(provider.requests[0]?.messages).toEqual([
      { role: 'system', content: 'from request' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it("falls back to the provider's system prompt; a blank request prompt counts as absent", async () => {
    const { chat, provider } = chatWorld({ config: { systemPrompt: 'be brief' } });
    await collect(chat.answer(ask('Hi', { systemPrompt: '   ' }), new AbortController().signal));
    expect(provider.requests[0]?.messages[0]).toEqual({ role: 'system', content: 'be brief' });
  });

  it('sends no system message when there is none', async () => {
    const { chat, provider } = chatWorld();
    await collect(chat.answer(ask(), new AbortController().signal));
    expect(provider.requests[0]?.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });
});

describe('ChatService: streaming, stats and log', () => {
  it('streams tokens and thinking apart, then one done with provider, model, usage and stats', async () => {
    const { chat } = chatWorld({
      attempts: [{ thinking: ['hmm'], tokens: ['Hel', 'lo'], usage: { promptTokens: 7 } }],
    });
    const { events, error } = await collect(chat.answer(ask(), new AbortController().signal));
    expect(error).toBeNull();
    expect(events.map((event) => event.type)).toEqual(['thinking', 'token', 'token', 'done']);
    const done = events.at(-1);
    expect(done).toMatchObject({
      type: 'done',
      finishReason: 'stop',
      providerId: 'fake',
      modelId: 'm1',
      usage: { promptTokens: 7, completionTokens: 3 },
    });
    if (done?.type !== 'done') throw new Error('no done');
    expect(done.stats.ttftMs).toBeGreaterThanOrEqual(0);
    expect(done.stats.durationMs).toBeGreaterThanOrEqual(done.stats.ttftMs ?? 0);
    expect(done.stats.tokensPerS).toBeGreaterThan(0);
  });

  it('counts the tokens an adapter joined into one chunk', async () => {
    const provider = fakeProvider();
    provider.streamChat = async function* () {
      yield { type: 'token', text: 'Hello world', count: 2 };
      yield { type: 'done', finishReason: 'stop' };
    };
    const registry = new ProviderRegistry({
      ollama: () => provider,
      openai: () => provider,
      anthropic: () => provider,
      gemini: () => provider,
    });
    registry.rebuild(settingsSchema.parse({ providers: [{ id: 'fake', type: 'ollama' }] }));
    const service = new ChatService({ providers: registry, log: new MemoryChatLog() });
    const { events } = await collect(service.answer(ask(), new AbortController().signal));
    expect(events[0]).toEqual({ type: 'token', text: 'Hello world' });
    expect(events.at(-1)).toMatchObject({ type: 'done', usage: { completionTokens: 2 } });
  });

  it('writes the user entry first and the whole answer once at the end', async () => {
    const { chat, log } = chatWorld({ attempts: [{ tokens: ['Hel', 'lo'] }] });
    await collect(chat.answer(ask('Question?', { systemPrompt: 'sys' }), new AbortController().signal));
    expect(log.entries.map((entry) => [entry.role, entry.eventType])).toEqual([
      ['user', undefined],
      ['assistant', undefined],
    ]);
    expect(log.entries[0]).toMatchObject({
      content: 'Question?',
      providerId: 'fake',
      modelId: 'm1',
      details: { system_prompt: 'sys', message_count: 2 },
    });
    expect(log.entries[1]).toMatchObject({
      content: 'Hello',
      details: { finish_reason: 'stop', completion_tokens: 2 },
    });
    expect(log.entries[1]?.details?.request_id).toBe(log.entries[0]?.details?.request_id);
  });
});

describe('ChatService: retry once before the first chunk', () => {
  it.each([
    ['a refused connection', errors.refused()],
    ['a 5xx', errors.server()],
    ['a 429 without Retry-After', errors.rateLimited()],
    ['a 429 with Retry-After 0', errors.rateLimited(0)],
    ['a timeout against a remote host', errors.timeout()],
  ])('retries once after %s', async (_name, failure) => {
    vi.useFakeTimers();
    const { chat, provider, log } = chatWorld({ attempts: [{ fail: failure }, { tokens: ['ok'] }] });
    const result = collect(chat.answer(ask(), new AbortController().signal));
    await vi.advanceTimersByTimeAsync(2_000); // the wait before the retry (at most 2 s here)
    vi.useRealTimers();
    const { events, error } = await result;
    expect(error).toBeNull();
    expect(text(events)).toBe('ok');
    expect(provider.requests).toHaveLength(2);
    expect(log.entries.some((entry) => entry.eventType === 'chat_retry')).toBe(true);
  });

  it.each([
    ['401', errors.unauthorized()],
    ['404 model', errors.modelMissing()],
    ['429 with a long Retry-After', errors.rateLimited(60)],
    ['insufficient quota', errors.quota()],
  ])('does not retry a %s', async (_name, failure) => {
    const { chat, provider } = chatWorld({ attempts: [{ fail: failure }, { tokens: ['never'] }] });
    const { error } = await collect(chat.answer(ask(), new AbortController().signal));
    expect(error?.code).toBe(failure.code);
    expect(provider.requests).toHaveLength(1);
  });

  it('does not retry a first-token timeout against a loopback host (a local model may be loading)', async () => {
    const { chat, provider } = chatWorld({
      config: { host: 'http://127.0.0.1:11434' },
      attempts: [{ fail: errors.timeout() }, { tokens: ['never'] }],
    });
    const { error } = await collect(chat.answer(ask(), new AbortController().signal));
    expect(error?.code).toBe('PROVIDER_TIMEOUT');
    expect(provider.requests).toHaveLength(1);
  });

  it('retries only once: a second failure is the error', async () => {
    const { chat, provider } = chatWorld({
      attempts: [{ fail: errors.refused() }, { fail: errors.server() }],
    });
    const { error } = await collect(chat.answer(ask(), new AbortController().signal));
    expect(error?.code).toBe('PROVIDER_ERROR');
    expect(provider.requests).toHaveLength(2);
  });

  it('counts thinking as the first chunk: a failure after it is not retried', async () => {
    const { chat, provider } = chatWorld({
      attempts: [{ thinking: ['hmm'], tokens: [], fail: errors.refused(), failAfter: 0 }],
    });
    const { events, error } = await collect(chat.answer(ask(), new AbortController().signal));
    expect(events.map((event) => event.type)).toEqual(['thinking']);
    expect(error?.code).toBe('PROVIDER_UNREACHABLE');
    expect(provider.requests).toHaveLength(1);
  });

  it('never retries after the first token: the partial answer is kept in the log', async () => {
    const { chat, provider, log } = chatWorld({
      attempts: [{ tokens: ['Hel', 'lo', '!'], fail: errors.refused(), failAfter: 2 }],
    });
    const { events, error } = await collect(chat.answer(ask(), new AbortController().signal));
    expect(text(events)).toBe('Hello');
    expect(error?.code).toBe('PROVIDER_UNREACHABLE');
    expect(provider.requests).toHaveLength(1);
    expect(log.entries.at(-1)).toMatchObject({
      role: 'assistant',
      content: 'Hello',
      eventType: 'chat_error',
      details: { error_code: 'PROVIDER_UNREACHABLE' },
    });
  });

  it('treats a stream that ends without finishing as cut (PROVIDER_ERROR), keeping the text', async () => {
    const { chat } = chatWorld({ attempts: [{ tokens: ['par', 'tial'], noDone: true }] });
    const { events, error } = await collect(chat.answer(ask(), new AbortController().signal));
    expect(text(events)).toBe('partial');
    expect(error?.code).toBe('PROVIDER_ERROR');
  });
});

describe('ChatService: abort', () => {
  it('aborts the provider request when the consumer leaves the loop, and logs chat_aborted with the partial text', async () => {
    const { chat, provider, log } = chatWorld({ attempts: [{ tokens: ['a', 'b', 'c', 'd'] }] });
    for await (const event of chat.answer(ask(), new AbortController().signal)) {
      if (event.type === 'token' && event.text === 'b') break;
    }
    expect(provider.aborted).toBe(1);
    expect(log.entries.at(-1)).toMatchObject({ role: 'assistant', content: 'ab', eventType: 'chat_aborted' });
  });

  it('aborts the provider within a tick when the signal aborts, ending with done "stopped"', async () => {
    const { chat, provider, log } = chatWorld({ attempts: [{ tokens: ['a'], stall: true }] });
    const controller = new AbortController();
    const events: ChatEvent[] = [];
    for await (const event of chat.answer(ask(), controller.signal)) {
      events.push(event);
      if (event.type === 'token') controller.abort();
    }
    expect(provider.aborted).toBe(1);
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stopped' });
    expect(log.entries.filter((entry) => entry.role === 'assistant')).toHaveLength(1);
    expect(log.entries.at(-1)).toMatchObject({ content: 'a', eventType: 'chat_aborted' });
  });
});

describe('ChatService: a finished chat lets go of its provider request', () => {
  it('aborts it with the one shared clean-up reason (an AbortError built once, not one per chat)', async () => {
    const { chat, provider } = chatWorld({ attempts: [{ tokens: ['a'] }, { tokens: ['b'] }] });
    await collect(chat.answer(ask(), new AbortController().signal));
    await collect(chat.answer(ask(), new AbortController().signal));
    const [first, second] = provider.signals;
    expect(first?.reason).toBe(CLEANUP_ABORT);
    expect(second?.reason).toBe(CLEANUP_ABORT);
    expect(CLEANUP_ABORT).toMatchObject({ name: 'AbortError' });
  });

  it('a stopped chat still aborts its request with the reason it was stopped with', async () => {
    const { chat, provider } = chatWorld({ attempts: [{ tokens: ['a'], stall: true }] });
    const controller = new AbortController();
    const reason = new Error('the user pressed Stop');
    for await (const event of chat.answer(ask(), controller.signal)) {
      if (event.type === 'token') controller.abort(reason);
    }
    expect(provider.signals[0]?.reason).toBe(reason);
  });
});

describe('ChatService: chats in flight', () => {
  it('counts the chats streaming now, down to 0 whether they finish, fail or are left', async () => {
    const { chat } = chatWorld({
      attempts: [{ tokens: ['a', 'b'] }, { fail: errors.unauthorized() }, { tokens: ['c', 'd'] }],
    });
    const first = chat.answer(ask(), new AbortController().signal);
    await first.next();
    expect(chat.streaming).toBe(1);
    await collect(first);
    expect(chat.streaming).toBe(0);
    await collect(chat.answer(ask(), new AbortController().signal));
    expect(chat.streaming).toBe(0);
    for await (const _event of chat.answer(ask(), new AbortController().signal)) break;
    expect(chat.streaming).toBe(0);
  });
});

describe('ChatService: a chat stopped before it starts', () => {
  it('asks the provider nothing when the signal is already aborted, and ends with done "stopped"', async () => {
    const { chat, provider, log } = chatWorld();
    const controller = new AbortController();
    const prepared = await chat.prepare(ask());
    controller.abort();
    const { events, error } = await collect(chat.stream(prepared, controller.signal));
    expect(error).toBeNull();
    expect(provider.requests).toHaveLength(0);
    expect(events).toEqual([expect.objectContaining({ type: 'done', finishReason: 'stopped' })]);
    expect(log.entries.at(-1)).toMatchObject({ role: 'assistant', eventType: 'chat_aborted' });
  });
});

describe('ChatService: timeouts', () => {
  it('ends a stream that stalls mid-answer with PROVIDER_TIMEOUT after idle_timeout_s', async () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const provider = fakeProvider({
        config: { idleTimeoutS: 5 },
        attempts: [{ tokens: ['a'], stall: true }],
      });
      const registry = new ProviderRegistry({
        ollama: () => provider,
        openai: () => provider,
        anthropic: () => provider,
        gemini: () => provider,
      });
      registry.rebuild(settingsSchema.parse({ providers: [{ id: 'fake', type: 'ollama' }] }));
      const chat = new ChatService({ providers: registry, log: new MemoryChatLog(), now: () => now });
      const result = collect(chat.answer(ask(), new AbortController().signal));
      await vi.advanceTimersByTimeAsync(10);
      now = 6_000;
      await vi.advanceTimersByTimeAsync(6_000);
      const { events, error } = await result;
      expect(text(events)).toBe('a');
      expect(error).toMatchObject({
        code: 'PROVIDER_TIMEOUT',
        message: expect.stringContaining('idle_timeout_s'),
      });
      expect(provider.aborted).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ChatService: reasoning models', () => {
  /** A chat whose provider sends nothing at all, on fake timers and a fake clock. */
  function silentWorld(options: { type: 'openai' | 'ollama'; reasoning: boolean; timeoutS?: number }) {
    vi.useFakeTimers();
    const provider = fakeProvider({
      reasoning: options.reasoning,
      config: {
        type: options.type,
        host: 'https://models.example.test',
        ...(options.timeoutS === undefined ? {} : { timeoutS: options.timeoutS }),
      },
      attempts: [{ tokens: [], stall: true }],
    });
    const registry = new ProviderRegistry({
      ollama: () => provider,
      openai: () => provider,
      anthropic: () => provider,
      gemini: () => provider,
    });
    registry.rebuild(settingsSchema.parse({ providers: [{ id: 'fake', type: options.type }] }));
    const chat = new ChatService({ providers: registry, log: new MemoryChatLog(), now: () => Date.now() });
    let settled = false;
    const result = collect(chat.answer(ask(), new AbortController().signal)).finally(() => {
      settled = true;
    });
    return { provider, result, settled: () => settled };
  }

  it.each(['openai', 'ollama'] as const)(
    'waits 300 s for the first token of a %s reasoning model, and never retries that timeout',
    async (type) => {
      try {
        const world = silentWorld({ type, reasoning: true });
        await vi.advanceTimersByTimeAsync(299_000);
        expect(world.settled()).toBe(false);
        await vi.advanceTimersByTimeAsync(2_000);
        await vi.advanceTimersByTimeAsync(5_000); // a retry would have started by now
        const { error } = await world.result;
        expect(error).toMatchObject({ code: 'PROVIDER_TIMEOUT', details: { timeout_s: 300 } });
        expect(world.provider.requests).toHaveLength(1);
      } finally {
        vi.useRealTimers();
      }
    },
  );

  it("keeps the user's timeout_s for a reasoning model", async () => {
    try {
      const world = silentWorld({ type: 'openai', reasoning: true, timeoutS: 30 });
      await vi.advanceTimersByTimeAsync(31_000);
      expect(world.settled()).toBe(true);
      expect((await world.result).error).toMatchObject({ details: { timeout_s: 30 } });
    } finally {
      vi.useRealTimers();
    }
  });

  it('still cuts an OpenAI model that does not reason at 60 s and retries it once', async () => {
    try {
      const world = silentWorld({ type: 'openai', reasoning: false });
      await vi.advanceTimersByTimeAsync(61_000);
      expect(world.provider.requests).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(61_000);
      expect((await world.result).error).toMatchObject({
        code: 'PROVIDER_TIMEOUT',
        details: { timeout_s: 60 },
      });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ChatService: waiting before the retry', () => {
  it('waits 1 to 2 s after a 429 without Retry-After before its one retry', async () => {
    vi.useFakeTimers();
    try {
      const { chat, provider } = chatWorld({
        attempts: [{ fail: errors.rateLimited() }, { tokens: ['ok'] }],
      });
      const result = collect(chat.answer(ask(), new AbortController().signal));
      await vi.advanceTimersByTimeAsync(990);
      expect(provider.requests).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1_020);
      expect(provider.requests).toHaveLength(2);
      expect(text((await result).events)).toBe('ok');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ChatService: timeouts too long for a timer', () => {
  it('holds a timeout_s beyond what setTimeout can hold without firing early or spinning', async () => {
    vi.useFakeTimers();
    try {
      const armed: number[] = [];
      const realSetTimeout = globalThis.setTimeout;
      const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
        callback: () => void,
        ms?: number,
      ) => {
        armed.push(ms ?? 0);
        return realSetTimeout(callback, ms);
      }) as typeof setTimeout);
      const provider = fakeProvider({
        config: { timeoutS: 1e9, idleTimeoutS: 1e9 },
        attempts: [{ tokens: [], stall: true }],
      });
      const registry = new ProviderRegistry({
        ollama: () => provider,
        openai: () => provider,
        anthropic: () => provider,
        gemini: () => provider,
      });
      registry.rebuild(settingsSchema.parse({ providers: [{ id: 'fake', type: 'ollama' }] }));
      const chat = new ChatService({ providers: registry, log: new MemoryChatLog(), now: () => Date.now() });
      const stop = new AbortController();
      const result = collect(chat.answer(ask(), stop.signal));
      await vi.advanceTimersByTimeAsync(10_000);
      spy.mockRestore();
      expect(armed.length).toBeLessThan(5);
      expect(Math.max(...armed)).toBeLessThanOrEqual(2 ** 31 - 1);
      stop.abort();
      expect((await result).events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stopped' });
    } finally {
      vi.useRealTimers();
    }
  });
});
