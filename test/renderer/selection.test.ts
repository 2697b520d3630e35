import { describe, expect, it } from 'vitest';
import type { ModelInfo, ProviderInfo } from '../../src/domain/provider';
import { formatStats } from '../../src/renderer/components/answer-stats';
import {
  effectiveModelId,
  effectiveProviderId,
  modelDetails,
  noModelsHint,
  offeredForChat,
  providerStatusText,
} from '../../src/renderer/components/selection';

const provider = (patch: Partial<ProviderInfo>): ProviderInfo => ({
  id: 'ollama_local',
  name: 'Ollama (local)',
  type: 'ollama',
  status: 'ok',
  statusMessage: null,
  host: 'http://127.0.0.1:11434',
  defaultModel: null,
  isDefault: false,
  demo: false,
  ...patch,
});
const model = (id: string, patch: Partial<ModelInfo> = {}): ModelInfo => ({ id, name: id, ...patch });

describe('provider and model choice', () => {
  it('keeps the chosen provider while it exists, else the default one, else the first', () => {
    const list = [provider({ id: 'a' }), provider({ id: 'b', isDefault: true })];
    expect(effectiveProviderId(list, 'a')).toBe('a');
    expect(effectiveProviderId(list, 'gone')).toBe('b');
    expect(effectiveProviderId([provider({ id: 'a' })], null)).toBe('a');
    expect(effectiveProviderId([], null)).toBeNull();
  });

  it("keeps the chosen model while listed, else the provider's default model, else the first", () => {
    const models = [model('llama3.2'), model('qwen3:8b')];
    expect(effectiveModelId(models, provider({ defaultModel: 'qwen3:8b' }), 'llama3.2')).toBe('llama3.2');
    expect(effectiveModelId(models, provider({ defaultModel: 'qwen3:8b' }), null)).toBe('qwen3:8b');
    expect(effectiveModelId(models, provider({ defaultModel: 'missing' }), 'gone')).toBe('llama3.2');
    expect(effectiveModelId([], provider({}), null)).toBeNull();
  });

  it('describes a model by parameters, quantization and size', () => {
    expect(
      modelDetails(
        model('llama3.2', { parameterSize: '3.2B', quantization: 'Q4_K_M', sizeBytes: 2_019_393_189 }),
      ),
    ).toBe('3.2B · Q4_K_M · 2.0 GB');
    expect(modelDetails(model('gpt-4o'))).toBe('');
  });

  it('says why a provider is down and how to get an Ollama model', () => {
    expect(providerStatusText(provider({ status: 'unreachable', statusMessage: 'connection refused' }))).toBe(
      'not reachable: connection refused',
    );
    expect(noModelsHint(provider({ type: 'ollama' }))).toContain('ollama pull');
  });

  it('formats the stats of a finished answer', () => {
    expect(
      formatStats(
        { ttftMs: 120.4, durationMs: 7100, tokensPerS: 45.24 },
        { promptTokens: 10, completionTokens: 321 },
      ),
    ).toBe('TTFT 120 ms · 45.2 tokens/s · 321 tokens · 7.1 s');
  });
});

describe('models offered for chat in the Model select', () => {
  it('leaves out embedding-only models, and never picks one by default', () => {
    const embed = { id: 'nomic-embed-text', name: 'nomic-embed-text', capabilities: ['embedding' as const] };
    const chat = {
      id: 'llama3.2',
      name: 'llama3.2',
      capabilities: ['completion' as const, 'vision' as const],
    };
    const unknown = { id: 'other', name: 'other', capabilities: null };
    expect([embed, chat, unknown].filter(offeredForChat).map((model) => model.id)).toEqual([
      'llama3.2',
      'other',
    ]);
    expect(effectiveModelId([embed, chat], undefined, null)).toBe('llama3.2');
  });
});
