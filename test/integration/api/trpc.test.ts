import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatEvent, LightChatClient, LogEntry } from '../../../src/client/index.js';
import { createLightChatClient, errorCodeOf } from '../../../src/client/index.js';
import { FAKE_OLLAMA_ANSWER, fakeSettled, waitFor } from '../../fixtures/index.js';
import { startWorld, type World } from './support.js';

let world: World;
let client: LightChatClient;
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: ['llama3.2', 'slow'],
      behaviour: (request) =>
        request.model === 'slow'
          ? { text: FAKE_OLLAMA_ANSWER, tokensPerSecond: 20 }
          : { text: FAKE_OLLAMA_ANSWER },
    },
  });
  client = createLightChatClient({ url: world.url, token: world.token });
});
afterAll(() => world.close());

const hi = [{ role: 'user' as const, content: 'hi' }];

/** Subscribes to a chat's events; resolves when it completes (or fails). */
function subscribe(chatId: string, onEvent?: (event: ChatEvent, unsubscribe: () => void) => void) {
  const events: ChatEvent[] = [];
  let unsubscribe = () => {};
  const ended = new Promise<{ error?: unknown }>((resolve) => {
    const subscription = client.chat.events.subscribe(
      { chatId },
      {
        onData(event) {
          events.push(event);
          onEvent?.(event, () => {
            subscription.unsubscribe();
            resolve({});
          });
        },
        onError: (error) => resolve({ error }),
        onComplete: () => resolve({}),
      },
    );
    unsubscribe = () => subscription.unsubscribe();
  });
  return { events, ended, unsubscribe: () => unsubscribe() };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const providerSettled = () => fakeSettled(world.ollama);

describe('queries', () => {
  it('health', async () => {
    expect(await client.health.query()).toEqual({
      status: 'ok',
      version: expect.any(String),
      config: { path: world.settingsPath, error: null },
      defaultProvider: 'fake_ollama',
      demo: false,
    });
  });

  it('providers.list and models.list, in camelCase', async () => {
    const providers = await client.providers.list.query();
    expect(providers[0]).toEqual(
      expect.objectContaining({ id: 'fake_ollama', isDefault: true, statusMessage: null }),
    );
    const models = await client.models.list.query({ providerId: 'fake_ollama' });
    expect(models.map((model) => model.id)).toEqual(['demo', 'llama3.2', 'slow']);
  });

  it('carries the error code in data: PROVIDER_NOT_FOUND, VALIDATION_ERROR', async () => {
    expect(errorCodeOf(await rejection(client.models.list.query({ providerId: 'ghost' })))).toBe(
      'PROVIDER_NOT_FOUND',
    );
    expect(errorCodeOf(await rejection(client.logs.recent.query({ limit: 9999 })))).toBe('VALIDATION_ERROR');
  });

  it('answers /trpc errors with the matching HTTP status', async () => {
    const input = encodeURIComponent(JSON.stringify({ providerId: 'ghost' }));
    const response = await fetch(`${world.url}/trpc/models.list?input=${input}`, { headers: world.auth });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { data: { errorCode: string; details: unknown } } };
    expect(body.error.data).toEqual(
      expect.objectContaining({ errorCode: 'PROVIDER_NOT_FOUND', details: expect.any(Object) }),
    );
    expect(JSON.stringify(body)).not.toContain('stack');
  });

  it('config.get and logs.recent', async () => {
    const config = await client.config.get.query();
    expect(config.revision).toEqual(expect.any(String));
    expect(config.providers[1]).toEqual(expect.objectContaining({ apiKeySet: true, apiKeySource: 'file' }));
    const entries = await client.logs.recent.query({ limit: 1 });
    expect(entries).toHaveLength(1);
  });
});

describe('chat.start + chat.events + chat.stop', () => {
  it('starts a chat, then streams tokens and exactly one done, then completes', async () => {
    const started = await client.chat.start.mutate({ messages: hi });
    expect(started).toEqual({ chatId: expect.any(String), providerId: 'fake_ollama', modelId: 'llama3.2' });
    const { events, ended } = subscribe(started.chatId);
    expect(await ended).toEqual({});
    const text = events.flatMap((event) => (event.type === 'token' ? [event.text] : [])).join('');
    expect(text).toBe(FAKE_OLLAMA_ANSWER);
    expect(events.filter((event) => event.type === 'done' || event.type === 'error')).toHaveLength(1);
    expect(events.at(-1)).toEqual(
      expect.objectContaining({
        type: 'done',
        finishReason: 'stop',
        providerId: 'fake_ollama',
        modelId: 'llama3.2',
      }),
    );
  });

  it('throws validation, unknown provider and missing model errors from chat.start', async () => {
    expect(errorCodeOf(await rejection(client.chat.start.mutate({ messages: [] })))).toBe('VALIDATION_ERROR');
    expect(
      errorCodeOf(await rejection(client.chat.start.mutate({ messages: hi, providerId: 'ghost' }))),
    ).toBe('PROVIDER_NOT_FOUND');
  });

  it('takes options.think to the provider (a thinking model), and answers a bad value with VALIDATION_ERROR', async () => {
    const bad = client.chat.start.mutate({ messages: hi, options: { think: 'max' as never } });
    expect(errorCodeOf(await rejection(bad))).toBe('VALIDATION_ERROR');
    const { chatId } = await client.chat.start.mutate({
      messages: hi,
      modelId: 'demo',
      options: { think: false },
    });
    const { events, ended } = subscribe(chatId);
    await ended;
    expect(events.at(-1)?.type).toBe('done');
    const chats = world.ollama.requests.filter((request) => request.path === '/api/chat');
    expect((chats.at(-1)?.body as { model: string; think?: unknown }) ?? {}).toMatchObject({
      model: 'demo',
      think: false,
    });
  });

  it('gives CHAT_NOT_FOUND for an unknown or finished chat id', async () => {
    const { ended } = subscribe('not-a-chat');
    expect(errorCodeOf((await ended).error)).toBe('CHAT_NOT_FOUND');
    const { chatId } = await client.chat.start.mutate({ messages: hi });
    await subscribe(chatId).ended;
    expect(errorCodeOf((await subscribe(chatId).ended).error)).toBe('CHAT_NOT_FOUND');
  });

  // The slow answer would end by itself in about half a second: an abort seen is the abort passed on.
  it('unsubscribing aborts the provider request', async () => {
    await providerSettled();
    const aborted = world.ollama.stats.aborted;
    const { chatId } = await client.chat.start.mutate({ messages: hi, modelId: 'slow' });
    let left = false;
    await subscribe(chatId, (event, unsubscribe) => {
      if (event.type === 'token' && !left) {
        left = true;
        unsubscribe();
      }
    }).ended;
    await waitFor(() => world.ollama.stats.aborted === aborted + 1, 'the fake sees the abort');
  });

  it('chat.stop ends the stream with done "stopped" and aborts the provider request', async () => {
    await providerSettled();
    const aborted = world.ollama.stats.aborted;
    const { chatId } = await client.chat.start.mutate({ messages: hi, modelId: 'slow' });
    let stopped: Promise<{ stopped: boolean }> | undefined;
    const { events, ended } = subscribe(chatId, (event) => {
      if (event.type === 'token') stopped ??= client.chat.stop.mutate({ chatId });
    });
    await ended;
    expect(await stopped).toEqual({ stopped: true });
    expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'done', finishReason: 'stopped' }));
    await waitFor(() => world.ollama.stats.aborted === aborted + 1, 'the fake sees the abort');
    expect(await client.chat.stop.mutate({ chatId })).toEqual({ stopped: false });
  });
});

describe('subscriptions', () => {
  it('logs.tail sends new log entries as they are written', async () => {
    const seen: LogEntry[] = [];
    const tailing = vi.spyOn(world.core.logs, 'tail');
    const subscription = client.logs.tail.subscribe(undefined, { onData: (entry) => seen.push(entry) });
    try {
      await waitFor(() => tailing.mock.calls.length === 1, 'the server tails the log');
      tailing.mockRestore();
      const { chatId } = await client.chat.start.mutate({ messages: [{ role: 'user', content: 'tail me' }] });
      await subscribe(chatId).ended;
      await waitFor(() => seen.some((entry) => entry.role === 'assistant'), 'the answer in the tail');
      expect(seen.find((entry) => entry.role === 'user')).toEqual(
        expect.objectContaining({ content: 'tail me' }),
      );
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('the per-run logging switch', () => {
  it('logs.setEnabled(false) stops writing log files for the run; true starts again', async () => {
    expect(await client.logs.state.query()).toMatchObject({ enabled: true, writeError: null });
    expect(await client.logs.setEnabled.mutate({ enabled: false })).toMatchObject({ enabled: false });
    await world.core.logs.flush();
    const before = await filesText(world.core.logs.state().dir);
    const { chatId } = await client.chat.start.mutate({
      messages: [{ role: 'user', content: 'not on disk' }],
    });
    await subscribe(chatId).ended;
    await world.core.logs.flush();
    expect(await filesText(world.core.logs.state().dir)).toBe(before);
    expect(before).toContain('Logging switched off for this run');

    expect(await client.logs.setEnabled.mutate({ enabled: true })).toMatchObject({ enabled: true });
    const again = await client.chat.start.mutate({ messages: [{ role: 'user', content: 'on disk again' }] });
    await subscribe(again.chatId).ended;
    await world.core.logs.flush();
    const after = await filesText(world.core.logs.state().dir);
    expect(after).toContain('on disk again');
    expect(after).not.toContain('not on disk');
  });
});

async function filesText(dir: string): Promise<string> {
  const { readdir, readFile } = await import('node:fs/promises');
  const names = (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
  const texts = await Promise.all(names.map((name) => readFile(`${dir}/${name}`, 'utf8')));
  return texts.join('');
}
