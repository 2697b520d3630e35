import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightChatClient, errorCodeOf, type LightChatClient } from '../../../src/client/index.js';
import { waitFor } from '../../fixtures/index.js';
import { readSse, type SseEvent, startWorld, type World } from './support.js';

let world: World;
let client: LightChatClient;
const pullEnds: { model: string; outcome: string }[] = [];
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: [
        'llama3.2',
        { name: 'qwen3:8b', thinking: true, contextLength: 40_960 },
        { name: 'nomic-embed-text', capabilities: ['embedding'] },
      ],
      library: [
        'llava',
        { name: 'gemma3', sizeBytes: 3_000_000_000 },
        { name: 'huge', pullFailure: 'disk_full' },
        { name: 'far', pullFailure: 'network' },
        // Holds after its first progress, to be cancelled part way.
        { name: 'slowpoke', pullStalls: true },
      ],
      pullSteps: 6,
      onPullEnd: (model, outcome) => pullEnds.push({ model, outcome }),
    },
  });
  client = createLightChatClient({ url: world.url, token: world.token });
});
afterAll(() => world.close());

const send = (path: string, init: RequestInit = {}) =>
  fetch(`${world.url}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...world.auth,
      ...(init.headers as Record<string, string>),
    },
  });

const pull = async (model: string, providerId = 'fake_ollama') =>
  send(`/models/${providerId}/pull`, { method: 'POST', body: JSON.stringify({ model }) });

const listed = async () =>
  ((await (await send('/models/fake_ollama')).json()) as Record<string, unknown>[]).map((model) => model.id);

describe('GET /models/{provider_id}: capabilities, context length, loaded', () => {
  it('answers them in snake_case for every Ollama model', async () => {
    const models = (await (await send('/models/fake_ollama')).json()) as Record<string, unknown>[];
    expect(models.find((model) => model.id === 'qwen3:8b')).toMatchObject({
      capabilities: ['completion', 'thinking'],
      context_length: 40_960,
      loaded: false,
    });
    expect(models.find((model) => model.id === 'nomic-embed-text')).toMatchObject({
      capabilities: ['embedding'],
    });
  });

  it('gives the same over tRPC (models.list)', async () => {
    const models = await client.models.list.query({ providerId: 'fake_ollama' });
    expect(models.find((model) => model.id === 'qwen3:8b')).toMatchObject({
      contextLength: 40_960,
      loaded: false,
    });
  });
});

describe('POST /models/{provider_id}/pull', () => {
  it('streams one percentage that never goes backwards, with bytes, then done; the model is then listed', async () => {
    const response = await pull('gemma3');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events } = await readSse(response);
    const progress = events
      .filter((event) => event.event === 'progress')
      .map((event) => event.data as Record<string, number | string>);
    expect(progress[0]).toEqual({
      status: 'pulling manifest',
      completed_bytes: 0,
      total_bytes: 0,
      percent: 0,
    });
    const percents = progress.map((event) => event.percent as number);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    expect(progress.find((event) => event.status === 'downloading')).toMatchObject({
      total_bytes: expect.any(Number),
    });
    expect(progress.at(-1)).toMatchObject({ completed_bytes: 3_000_000_000, total_bytes: 3_000_000_000 });
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { model: 'gemma3' } });
    expect(await listed()).toContain('gemma3');
  });

  const failures: [string, string, string, RegExp][] = [
    ['a name that does not exist', 'no-such-model', 'MODEL_NOT_FOUND', /file does not exist/],
    ['a full disk', 'huge', 'PROVIDER_ERROR', /no space left on device/],
    ['a network failure', 'far', 'PROVIDER_ERROR', /internet connection/],
  ];
  for (const [what, model, code, message] of failures) {
    it(`ends with an error event for ${what}`, async () => {
      const { events } = await readSse(await pull(model));
      const last = events.at(-1) as SseEvent;
      expect(last.event).toBe('error');
      expect(last.data).toMatchObject({ error_code: code, message: expect.stringMatching(message) });
      expect(events.filter((event) => event.event === 'error' || event.event === 'done')).toHaveLength(1);
    });
  }

  it('answers bad requests before any stream: no model, an unknown provider, a provider that cannot pull', async () => {
    const noModel = await send('/models/fake_ollama/pull', { method: 'POST', body: '{}' });
    expect(noModel.status).toBe(422);
    expect(await noModel.json()).toMatchObject({
      error_code: 'VALIDATION_ERROR',
      details: { issues: [{ path: ['model'] }] },
    });
    expect((await pull('llava', 'nope')).status).toBe(404);
    const openai = await pull('gpt-4o', 'fake_openai');
    expect(openai.status).toBe(422);
    expect(((await openai.json()) as { message: string }).message).toMatch(/only Ollama providers can/);
  });

  it('cancels the download when the client closes the request', async () => {
    const response = await pull('slowpoke');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const { done } = await reader.read();
    if (done) throw new Error('the pull ended before any progress');
    await reader.cancel();
    await waitFor(() => pullEnds.some((end) => end.model === 'slowpoke'));
    expect(pullEnds.filter((end) => end.model === 'slowpoke')).toEqual([
      { model: 'slowpoke', outcome: 'cancelled' },
    ]);
    expect(await listed()).not.toContain('slowpoke');
  });
});

describe('DELETE /models/{provider_id}?model= and POST /models/{provider_id}/unload', () => {
  it('unloads a loaded model (keep_alive 0) and deletes a model; a missing one is 404 MODEL_NOT_FOUND', async () => {
    const unload = await send('/models/fake_ollama/unload', {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2' }),
    });
    expect(unload.status).toBe(204);
    expect(world.ollama.requests.at(-1)).toMatchObject({
      path: '/api/generate',
      body: { model: 'llama3.2', keep_alive: 0 },
    });
    const deleted = await send(`/models/fake_ollama?model=${encodeURIComponent('qwen3:8b')}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(204);
    expect(await listed()).not.toContain('qwen3:8b');
    const again = await send(`/models/fake_ollama?model=${encodeURIComponent('qwen3:8b')}`, {
      method: 'DELETE',
    });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error_code: 'MODEL_NOT_FOUND' });
  });
});

describe('tRPC: models.pull + models.pullEvents + models.cancelPull', () => {
  function follow(pullId: string) {
    const events: Record<string, unknown>[] = [];
    const ended = new Promise<{ error?: unknown }>((resolve) => {
      client.models.pullEvents.subscribe(
        { pullId },
        {
          onData: (event) => events.push(event as Record<string, unknown>),
          onError: (error) => resolve({ error }),
          onComplete: () => resolve({}),
        },
      );
    });
    return { events, ended };
  }

  it('starts a pull with a mutation and follows it by id to done', async () => {
    const { pullId } = await client.models.pull.mutate({ providerId: 'fake_ollama', model: 'llava' });
    const { events, ended } = follow(pullId);
    expect(await ended).toEqual({});
    expect(events.at(-1)).toEqual({ type: 'done', model: 'llava' });
    expect(events.filter((event) => event.type === 'progress').at(-1)).toMatchObject({ percent: 100 });
    expect(
      (await client.models.list.query({ providerId: 'fake_ollama' })).map((model) => model.id),
    ).toContain('llava');
  });

  it('cancelPull stops it: the subscriber hears cancelled', async () => {
    const before = pullEnds.length;
    const { pullId } = await client.models.pull.mutate({ providerId: 'fake_ollama', model: 'slowpoke' });
    const { events, ended } = follow(pullId);
    await waitFor(() => events.length > 0);
    expect(await client.models.cancelPull.mutate({ pullId })).toEqual({ cancelled: true });
    expect(await ended).toEqual({});
    expect(events.at(-1)).toEqual({ type: 'cancelled', model: 'slowpoke' });
    await waitFor(() => pullEnds.length > before);
    expect(pullEnds.at(-1)).toEqual({ model: 'slowpoke', outcome: 'cancelled' });
  });

  it('refuses an unknown pull id and a provider that cannot pull', async () => {
    let failure: unknown;
    try {
      await client.models.pull.mutate({ providerId: 'fake_openai', model: 'x' });
    } catch (error) {
      failure = error;
    }
    expect(errorCodeOf(failure)).toBe('VALIDATION_ERROR');
    const { ended } = follow('no-such-pull');
    const { error } = await ended;
    expect(errorCodeOf(error)).toBe('NOT_FOUND');
  });

  it('deletes and unloads', async () => {
    expect(await client.models.unload.mutate({ providerId: 'fake_ollama', model: 'llama3.2' })).toEqual({
      unloaded: true,
    });
    expect(await client.models.delete.mutate({ providerId: 'fake_ollama', model: 'llama3.2' })).toEqual({
      deleted: true,
    });
    let failure: unknown;
    try {
      await client.models.delete.mutate({ providerId: 'fake_ollama', model: 'llama3.2' });
    } catch (error) {
      failure = error;
    }
    expect(errorCodeOf(failure)).toBe('MODEL_NOT_FOUND');
  });
});
