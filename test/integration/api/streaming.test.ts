import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OLLAMA_ANSWER, fakeSettled, tokenize, waitFor } from '../../fixtures/index.js';
import { postChat, readSse, startWorld, summarise, type World } from './support.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: ['llama3.2', 'flaky', 'cut', 'unauthorised', 'stall-first', 'stall-later', 'slow', 'echo'],
      behaviour: (request) => {
        if (request.model === 'slow') return { text: FAKE_OLLAMA_ANSWER, tokensPerSecond: 20 };
        if (request.model === 'echo') {
          const prompt = request.messages.at(-1)?.content ?? '';
          return { text: `You said ${prompt} and nothing else.`, tokensPerSecond: 400 };
        }
        return { text: FAKE_OLLAMA_ANSWER };
      },
      faults: {
        flaky: { status: 503, failTimes: 1 },
        cut: { cutAfter: 3 },
        unauthorised: { status: 401 },
        'stall-first': { stallAfter: 0 },
        'stall-later': { stallAfter: 2 },
      },
    },
    // Short enough that a stall is seen in a test, long enough (far above a first token's few ms)
    // that a loaded machine does not time out a healthy chat: every chat here runs under them.
    providerExtras: { fake_ollama: ['timeout_s: 2', 'idle_timeout_s: 2'] },
  });
});
afterAll(() => world.close());

const providerSettled = () => fakeSettled(world.ollama);

async function chat(model: string) {
  const started = world.ollama.stats.started;
  const aborted = world.ollama.stats.aborted;
  const { events } = await readSse(await postChat(world, { prompt: 'hi', model_id: model }));
  await providerSettled();
  return {
    ...summarise(events),
    requests: world.ollama.stats.started - started,
    aborted: world.ollama.stats.aborted - aborted,
  };
}

describe('faults', () => {
  it('retries once when the provider fails before the first token (the fake counts 2 requests)', async () => {
    const result = await chat('flaky');
    expect(result.requests).toBe(2);
    expect(result.text).toBe(FAKE_OLLAMA_ANSWER);
    expect(result.terminal).toHaveLength(1);
    expect(result.last?.event).toBe('done');
  });

  it('never retries after the first token: the partial text, then an error event', async () => {
    const result = await chat('cut');
    expect(result.requests).toBe(1);
    expect(result.text).toBe(tokenize(FAKE_OLLAMA_ANSWER).slice(0, 3).join(''));
    expect(result.terminal).toHaveLength(1);
    expect(result.last).toEqual(
      expect.objectContaining({
        event: 'error',
        data: expect.objectContaining({ error_code: 'PROVIDER_ERROR' }),
      }),
    );
  });

  it('does not retry a 4xx', async () => {
    const result = await chat('unauthorised');
    expect(result.requests).toBe(1);
    expect(result.last?.event).toBe('error');
    expect(result.last?.data).toEqual(
      expect.objectContaining({ error_code: expect.stringMatching(/^PROVIDER_/) }),
    );
  });

  it('ends a stalled stream with PROVIDER_TIMEOUT, before and after the first token', async () => {
    for (const model of ['stall-first', 'stall-later']) {
      const result = await chat(model);
      expect(result.last).toEqual(
        expect.objectContaining({
          event: 'error',
          data: expect.objectContaining({ error_code: 'PROVIDER_TIMEOUT' }),
        }),
      );
      expect(result.terminal).toHaveLength(1);
      // The stalled request was given up, not left hanging.
      expect(result.aborted).toBe(1);
    }
  });
});

describe('abort', () => {
  // The slow answer would end by itself in about half a second: an abort seen is the abort passed on.
  it('aborts the provider request when the client closes the response', async () => {
    await providerSettled();
    const aborted = world.ollama.stats.aborted;
    const client = new AbortController();
    const response = await postChat(world, { prompt: 'hi', model_id: 'slow' }, { signal: client.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    client.abort();
    await waitFor(() => world.ollama.stats.aborted === aborted + 1, 'the fake sees the abort');
  });

  it('ends open streams with SERVER_SHUTTING_DOWN when the server closes', async () => {
    const { startHttpServer } = await import('../../../src/adapters/api/http-server.js');
    const server = await startHttpServer({ core: world.core, port: 0 });
    await providerSettled();
    const aborted = world.ollama.stats.aborted;
    const response = await postChat(
      { url: server.url, token: world.token },
      { prompt: 'hi', model_id: 'slow' },
    );
    let closing: Promise<void> | undefined;
    const { events } = await readSse(response, (event) => {
      if (event.event === 'message') closing ??= server.close();
    });
    await closing;
    const { terminal, last } = summarise(events);
    expect(terminal).toHaveLength(1);
    expect(last).toEqual(
      expect.objectContaining({
        event: 'error',
        data: expect.objectContaining({ error_code: 'SERVER_SHUTTING_DOWN' }),
      }),
    );
    await waitFor(() => world.ollama.stats.aborted === aborted + 1, 'the fake sees the abort');
  });
});

describe('concurrency', () => {
  it('streams 50 chats at once, each with exactly its own text', async () => {
    const prompts = Array.from({ length: 50 }, (_, i) => `prompt-${i}`);
    const results = await Promise.all(
      prompts.map(async (prompt) => {
        const { events } = await readSse(await postChat(world, { prompt, model_id: 'echo' }));
        return summarise(events);
      }),
    );
    results.forEach((result, i) => {
      expect(result.text).toBe(`You said prompt-${i} and nothing else.`);
      expect(result.terminal).toHaveLength(1);
      expect(result.last?.event).toBe('done');
    });
  });
});
