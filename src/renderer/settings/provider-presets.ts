import { DEFAULT_HOSTS, type ProviderType } from '../../domain/provider-types';
import { newProvider, type ProviderFormValues } from './settings-form';

/** One entry of `Add provider` (CONTRACT section 14): what it fills in a new provider. */
export interface ProviderPreset {
  key: string;
  label: string;
  type: ProviderType;
  id: string;
  host: string;
  /** Empty where the type's own variables apply (Gemini reads GEMINI_API_KEY, then GOOGLE_API_KEY). */
  apiKeyEnv: string;
  /** Said next to the preset: what the user must know before it works. */
  note?: string;
}

export const PROVIDER_PRESETS: readonly ProviderPreset[] = [
  { key: 'ollama', label: 'Ollama', type: 'ollama', id: 'ollama', host: DEFAULT_HOSTS.ollama, apiKeyEnv: '' },
  {
    key: 'openai',
    label: 'OpenAI',
    type: 'openai',
    id: 'openai',
    host: DEFAULT_HOSTS.openai,
    apiKeyEnv: 'OPENAI_API_KEY',
  },
  {
    key: 'anthropic',
    label: 'Anthropic',
    type: 'anthropic',
    id: 'claude',
    host: DEFAULT_HOSTS.anthropic,
    apiKeyEnv: 'ANTHROPIC_API_KEY',
  },
  {
    key: 'gemini',
    label: 'Google Gemini',
    type: 'gemini',
    id: 'gemini',
    host: DEFAULT_HOSTS.gemini,
    apiKeyEnv: '',
  },
  {
    key: 'openrouter',
    label: 'OpenRouter',
    type: 'openai',
    id: 'openrouter',
    host: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
  },
  {
    key: 'groq',
    label: 'Groq',
    type: 'openai',
    id: 'groq',
    host: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
  },
  {
    key: 'deepseek',
    label: 'DeepSeek',
    type: 'openai',
    id: 'deepseek',
    host: 'https://api.deepseek.com/v1',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
  },
  {
    key: 'mistral',
    label: 'Mistral',
    type: 'openai',
    id: 'mistral',
    host: 'https://api.mistral.ai/v1',
    apiKeyEnv: 'MISTRAL_API_KEY',
  },
  {
    key: 'lmstudio',
    label: 'LM Studio',
    type: 'openai',
    id: 'lmstudio',
    host: 'http://127.0.0.1:1234/v1',
    apiKeyEnv: '',
  },
  {
    key: 'llamacpp',
    label: 'llama.cpp server',
    type: 'openai',
    id: 'llamacpp',
    host: 'http://127.0.0.1:8080/v1',
    apiKeyEnv: '',
  },
  {
    key: 'vllm',
    label: 'vLLM',
    type: 'openai',
    id: 'vllm',
    host: 'http://127.0.0.1:8001/v1',
    apiKeyEnv: '',
    note: "vLLM's default port 8000 is LightChat's own API port: start vLLM with --port 8001 (or change LightChat's api.port).",
  },
];

/** A new provider filled from `preset`, its id made unique among `takenIds` (groq, groq_2, …). */
export function providerFromPreset(preset: ProviderPreset, takenIds: readonly string[]): ProviderFormValues {
  let id = preset.id;
  for (let n = 2; takenIds.includes(id); n++) id = `${preset.id}_${n}`;
  return {
    ...newProvider(preset.type),
    id,
    name: preset.label,
    host: preset.host,
    apiKeyEnv: preset.apiKeyEnv,
  };
}
