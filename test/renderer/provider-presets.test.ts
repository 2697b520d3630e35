import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../src/domain/settings';
import { PROVIDER_PRESETS, providerFromPreset } from '../../src/renderer/settings/provider-presets';
import { toUpdateInput } from '../../src/renderer/settings/settings-form';

const preset = (label: string) => {
  const found = PROVIDER_PRESETS.find((entry) => entry.label === label);
  if (!found) throw new Error(`no preset ${label}`);
  return found;
};

describe('Add provider presets', () => {
  it('offers the servers of CONTRACT section 14, in order', () => {
    expect(PROVIDER_PRESETS.map((entry) => entry.label)).toEqual([
      'Ollama',
      'OpenAI',
      'Anthropic',
      'Google Gemini',
      'OpenRouter',
      'Groq',
      'DeepSeek',
      'Mistral',
      'LM Studio',
      'llama.cpp server',
      'vLLM',
    ]);
  });

  it('fills type, host and key variable', () => {
    expect(providerFromPreset(preset('Anthropic'), [])).toMatchObject({
      id: 'claude',
      type: 'anthropic',
      host: 'https://api.anthropic.com',
      apiKeyEnv: 'ANTHROPIC_API_KEY',
    });
    expect(providerFromPreset(preset('Groq'), [])).toMatchObject({
      type: 'openai',
      host: 'https://api.groq.com/openai/v1',
      apiKeyEnv: 'GROQ_API_KEY',
    });
    expect(providerFromPreset(preset('LM Studio'), [])).toMatchObject({ host: 'http://127.0.0.1:1234/v1' });
    expect(providerFromPreset(preset('llama.cpp server'), [])).toMatchObject({
      host: 'http://127.0.0.1:8080/v1',
    });
  });

  it("keeps vLLM off LightChat's port 8000 and says why", () => {
    const vllm = preset('vLLM');
    expect(new URL(vllm.host).port).not.toBe('8000');
    expect(vllm.note).toMatch(/8000 is LightChat's/);
    expect(vllm.note).toMatch(/--port 8001/);
  });

  it('makes the id unique, and every preset saves as valid settings', () => {
    expect(providerFromPreset(preset('Groq'), ['groq', 'groq_2']).id).toBe('groq_3');
    for (const entry of PROVIDER_PRESETS) {
      const form = {
        defaultProvider: '',
        loggingEnabled: true,
        logDir: '',
        logMaxFiles: 5,
        logMaxFileSizeMb: 10,
        apiEnabled: true,
        apiPort: 8000,
        apiAuth: true,
        providers: [providerFromPreset(entry, [])],
        mcpServers: [],
        rest: {},
      };
      const { revision: _revision, ...input } = toUpdateInput(form, 'rev');
      expect(settingsSchema.safeParse(input).success, entry.label).toBe(true);
    }
  });
});
