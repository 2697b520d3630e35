import { describe, expect, it, vi } from 'vitest';
import { PROBE_TIMEOUT_MS, ProviderRegistry } from '../../src/domain/services/provider-registry.js';
import { type ProviderConfig, settingsSchema } from '../../src/domain/settings.js';
import { errors, fakeProvider } from './support/fakes.js';

function registryWith(behaviour: Record<string, () => Promise<never> | Promise<[]>>) {
  const built: string[] = [];
  const make = (config: ProviderConfig) => {
    built.push(config.id);
    const provider = fakeProvider({ config });
    const listModels = behaviour[config.id];
    if (listModels) provider.listModels = listModels;
    return provider;
  };
  return {
    registry: new ProviderRegistry({ ollama: make, openai: make, anthropic: make, gemini: make }),
    built,
  };
}

const settings = settingsSchema.parse({
  defaultProvider: 'b',
  providers: [
    { id: 'a', type: 'ollama', host: 'http://127.0.0.1:1' },
    { id: 'b', type: 'openai', name: 'Bee' },
    { id: 'c', type: 'openai' },
    { id: 'd', type: 'ollama' },
  ],
});

describe('ProviderRegistry', () => {
  it('lists every provider with a probed status and a message a user can act on', async () => {
    const { registry } = registryWith({
      a: () => Promise.reject(errors.refused()),
      c: () => Promise.reject(errors.unauthorized()),
      d: () => Promise.reject(errors.server()),
    });
    registry.rebuild(settings);
    const list = await registry.list();
    expect(list.map((info) => [info.id, info.status, info.isDefault])).toEqual([
      ['a', 'unreachable', false],
      ['b', 'ok', true],
      ['c', 'unauthorized', false],
      ['d', 'error', false],
    ]);
    expect(list[0]).toMatchObject({ statusMessage: 'refused', host: 'http://127.0.0.1:1', demo: false });
    expect(list[1]).toMatchObject({ name: 'Bee', host: 'https://api.openai.com/v1', statusMessage: null });
  });

  it('rebuilds from new settings, while a provider resolved earlier stays usable', async () => {
    const { registry, built } = registryWith({});
    registry.rebuild(settings);
    const before = registry.resolve('a');
    registry.rebuild(settingsSchema.parse({ providers: [{ id: 'z', type: 'ollama' }] }));
    expect(registry.ids()).toEqual(['z']);
    expect(before.config.id).toBe('a');
    expect(built.filter((id) => id === 'z')).toHaveLength(1);
    expect(() => registry.resolve('a')).toThrow(expect.objectContaining({ code: 'PROVIDER_NOT_FOUND' }));
  });

  it('keeps a runtime overlay across reloads and makes it the default', () => {
    const { registry } = registryWith({});
    registry.rebuild(settings);
    registry.addOverlay({
      config: { id: 'demo', type: 'ollama', name: 'Demo', defaultModel: 'demo', systemPrompt: null },
      makeDefault: true,
    });
    registry.rebuild(settingsSchema.parse({ providers: [{ id: 'x', type: 'ollama' }] }));
    expect(registry.defaultId()).toBe('demo');
    expect(registry.resolve().config.id).toBe('demo');
    expect(registry.isDemo('demo')).toBe(true);
    expect(registry.isDemo('x')).toBe(false);
  });

  it('probes in parallel with a short timeout, even when a provider ignores its signal', async () => {
    const { registry } = registryWith({
      a: () => new Promise<never>(() => {}),
      b: () => new Promise<never>(() => {}),
    });
    registry.rebuild(settings);
    vi.useFakeTimers();
    try {
      let list: Awaited<ReturnType<typeof registry.list>> | undefined;
      const listing = registry.list().then((result) => {
        list = result;
      });
      await vi.advanceTimersByTimeAsync(PROBE_TIMEOUT_MS - 1);
      expect(list).toBeUndefined(); // both probes still wait for their answer
      await vi.advanceTimersByTimeAsync(1); // one timeout for all: the probes ran in parallel
      expect(list).toBeDefined();
      await listing;
      expect(list?.slice(0, 2).map((info) => info.status)).toEqual(['unreachable', 'unreachable']);
      expect(list?.[0]?.statusMessage).toMatch(/did not answer within 2 s/);
    } finally {
      vi.useRealTimers();
    }
  });
});
