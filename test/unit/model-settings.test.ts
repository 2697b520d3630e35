import { describe, expect, it } from 'vitest';
import { toCamelKeys, toSnakeKeys } from '../../src/domain/casing.js';
import { ProviderRegistry } from '../../src/domain/services/provider-registry.js';
import { settingsSchema } from '../../src/domain/settings.js';
import { fakeProvider } from './support/fakes.js';

function registryWith(models: NonNullable<Parameters<typeof fakeProvider>[0]>['models'], file: unknown) {
  const provider = fakeProvider({ models });
  const providers = new ProviderRegistry({
    ollama: (config) => Object.assign(provider, { config }),
    openai: (config) => Object.assign(provider, { config }),
    anthropic: () => provider,
    gemini: () => provider,
  });
  providers.rebuild(settingsSchema.parse(toCamelKeys(file)));
  return providers;
}

describe('providers[].models in settings', () => {
  it('fills in capabilities and context length where the API says nothing; the API wins where it does', async () => {
    const providers = registryWith(
      [
        { id: 'my_model:latest', name: 'mine' },
        { id: 'known', name: 'known', capabilities: ['completion', 'tools'], contextLength: 4096 },
        { id: 'other', name: 'other' },
      ],
      {
        providers: [
          {
            id: 'compat',
            type: 'openai',
            models: {
              'my_model:latest': { capabilities: ['completion', 'vision'], context_length: 32768 },
              known: { capabilities: ['completion'], context_length: 999 },
            },
          },
        ],
      },
    );
    expect(await providers.resolve('compat').listModels()).toEqual([
      { id: 'my_model:latest', name: 'mine', capabilities: ['completion', 'vision'], contextLength: 32768 },
      { id: 'known', name: 'known', capabilities: ['completion', 'tools'], contextLength: 4096 },
      { id: 'other', name: 'other', capabilities: null },
    ]);
  });

  it("keeps model names as written (they are the user's keys), both ways", () => {
    const file = {
      providers: [{ id: 'x', type: 'openai', models: { 'qwen_2.5:7b': { context_length: 8 } } }],
    };
    const settings = settingsSchema.parse(toCamelKeys(file));
    expect(settings.providers[0]?.models).toEqual({ 'qwen_2.5:7b': { contextLength: 8 } });
    expect(toSnakeKeys(settings.providers[0])).toMatchObject({
      models: { 'qwen_2.5:7b': { context_length: 8 } },
    });
  });

  it('names a capability that does not exist', () => {
    const result = settingsSchema.safeParse({
      providers: [{ id: 'x', type: 'openai', models: { m: { capabilities: ['vision', 'telepathy'] } } }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/completion, vision, tools, thinking, embedding/);
    expect(result.error?.issues[0]?.path).toEqual(['providers', 0, 'models', 'm', 'capabilities', 1]);
  });
});
