import { afterEach, describe, expect, it } from 'vitest';
import { createOllamaProvider } from '../../../src/adapters/providers/ollama.js';
import type { PullStatus } from '../../../src/domain/ports/model-manager.port.js';
import type { ChatProvider } from '../../../src/domain/provider.js';
import {
  type FakeOllamaOptions,
  type FakeProviderServer,
  startFakeOllama,
  waitFor,
} from '../../fixtures/index.js';

let fake: FakeProviderServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function ollama(
  options: FakeOllamaOptions = {},
): Promise<{ provider: ChatProvider; server: FakeProviderServer }> {
  fake = await startFakeOllama({ includeDemoModel: false, ...options });
  const provider = createOllamaProvider(
    { id: 'local', name: null, type: 'ollama', host: fake.url, defaultModel: null, systemPrompt: null },
    { env: {} },
  );
  return { provider, server: fake };
}

const signal = () => new AbortController().signal;

async function pullAll(
  provider: ChatProvider,
  model: string,
): Promise<{ statuses: PullStatus[]; error?: unknown }> {
  const statuses: PullStatus[] = [];
  try {
    for await (const status of provider.models!.pull(model, signal())) statuses.push(status);
    return { statuses };
  } catch (error) {
    return { statuses, error };
  }
}

describe('Ollama models: capabilities, context length, loaded', () => {
  it('lists capabilities and context length from /api/show and loaded from /api/ps', async () => {
    const { provider } = await ollama({
      models: [
        { name: 'qwen3:8b', thinking: true, contextLength: 40_960, loaded: true },
        { name: 'llava', capabilities: ['completion', 'vision'], contextLength: 32_768 },
        { name: 'nomic-embed-text', capabilities: ['embedding'] },
      ],
    });
    const models = await provider.listModels(signal());
    expect(
      models.map(({ id, capabilities, contextLength, loaded }) => ({
        id,
        capabilities,
        contextLength,
        loaded,
      })),
    ).toEqual([
      { id: 'qwen3:8b', capabilities: ['completion', 'thinking'], contextLength: 40_960, loaded: true },
      { id: 'llava', capabilities: ['completion', 'vision'], contextLength: 32_768, loaded: false },
      { id: 'nomic-embed-text', capabilities: ['embedding'], contextLength: undefined, loaded: false },
    ]);
  });

  it('asks /api/show once per model, and again only when the model changed (its digest)', async () => {
    const { provider, server } = await ollama({ models: ['llama3.2'], library: ['llama3.2'] });
    const shows = () => server.requests.filter((request) => request.path === '/api/show').length;
    await provider.listModels(signal());
    await provider.listModels(signal());
    expect(await provider.isReasoningModel?.('llama3.2', signal())).toBe(false);
    expect(shows()).toBe(1);
    // Pulled anew: the adapter forgets what it knew.
    await pullAll(provider, 'llama3.2');
    await provider.listModels(signal());
    expect(shows()).toBe(2);
  });

  it('asks nothing per model for a brief list (the status probe)', async () => {
    const { provider, server } = await ollama({ models: ['llama3.2', 'qwen3'] });
    const models = await provider.listModels(signal(), { brief: true });
    expect(models.map((model) => model.id)).toEqual(['llama3.2', 'qwen3']);
    expect(server.requests.map((request) => request.path)).toEqual(['/api/tags']);
  });

  it('says when a model answered a chat (it stays loaded) and unloads it with keep_alive 0', async () => {
    const { provider, server } = await ollama({ models: ['llama3.2'] });
    for await (const _ of provider.streamChat(
      { model: 'llama3.2', messages: [{ role: 'user', content: 'Hi' }], options: {} },
      signal(),
    ));
    expect((await provider.listModels(signal()))[0]?.loaded).toBe(true);
    await provider.models!.unload('llama3.2');
    expect(server.requests.at(-1)).toMatchObject({
      path: '/api/generate',
      body: { model: 'llama3.2', keep_alive: 0 },
    });
    expect((await provider.listModels(signal()))[0]?.loaded).toBe(false);
  });
});

describe('Ollama models: pull, delete', () => {
  it("pulls in Ollama's format: manifest, several layers, verify, write, success; then the model is listed", async () => {
    const { provider } = await ollama({ library: [{ name: 'qwen3:8b', thinking: true }] });
    const { statuses, error } = await pullAll(provider, 'qwen3:8b');
    expect(error).toBeUndefined();
    expect(statuses[0]).toEqual({ status: 'pulling manifest' });
    expect(new Set(statuses.filter((s) => s.digest).map((s) => s.digest)).size).toBe(3);
    expect(statuses.slice(-3).map((s) => s.status)).toEqual([
      'verifying sha256 digest',
      'writing manifest',
      'success',
    ]);
    expect((await provider.listModels(signal())).map((model) => model.id)).toEqual(['qwen3:8b']);
  });

  it('ends a pull of a name that does not exist with MODEL_NOT_FOUND', async () => {
    const { provider } = await ollama({ library: [] });
    const { error } = await pullAll(provider, 'no-such-model');
    expect(error).toMatchObject({ code: 'MODEL_NOT_FOUND', details: { reason: 'unknown_model' } });
    expect((error as Error).message).toMatch(/no model "no-such-model".*file does not exist/);
  });

  it('tells a full disk and a network failure apart, in words a user can act on', async () => {
    const { provider } = await ollama({
      library: [
        { name: 'big', pullFailure: 'disk_full' },
        { name: 'far', pullFailure: 'network' },
      ],
    });
    const disk = await pullAll(provider, 'big');
    expect(disk.statuses.length).toBeGreaterThan(1);
    expect(disk.error).toMatchObject({ code: 'PROVIDER_ERROR', details: { reason: 'disk_full' } });
    expect((disk.error as Error).message).toMatch(/full.*no space left on device.*Free some space/);
    const network = await pullAll(provider, 'far');
    expect(network.error).toMatchObject({ code: 'PROVIDER_ERROR', details: { reason: 'network' } });
    expect((network.error as Error).message).toMatch(/internet connection/);
  });

  it('is PROVIDER_UNREACHABLE when Ollama is not running', async () => {
    const { provider, server } = await ollama();
    await server.close();
    const { error } = await pullAll(provider, 'llama3.2');
    expect(error).toMatchObject({ code: 'PROVIDER_UNREACHABLE' });
  });

  it('cancels the download when the signal aborts', async () => {
    const ends: string[] = [];
    const { provider } = await ollama({
      library: [{ name: 'llama3.2', pullStalls: true }],
      onPullEnd: (_model, outcome) => ends.push(outcome),
    });
    const stop = new AbortController();
    const seen: PullStatus[] = [];
    for await (const status of provider.models!.pull('llama3.2', stop.signal)) {
      seen.push(status);
      if (status.digest) stop.abort();
    }
    expect(seen.some((status) => status.status === 'success')).toBe(false);
    await waitFor(() => ends.length === 1);
    expect(ends).toEqual(['cancelled']);
    expect((await provider.listModels(signal())).map((model) => model.id)).toEqual([]);
  });

  it('deletes a model; deleting one that is not there is MODEL_NOT_FOUND', async () => {
    const { provider } = await ollama({ models: ['llama3.2', 'qwen3'] });
    await provider.models!.delete('llama3.2');
    expect((await provider.listModels(signal())).map((model) => model.id)).toEqual(['qwen3']);
    await expect(provider.models!.delete('llama3.2')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(provider.models!.unload('gone')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });
});
