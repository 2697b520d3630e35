/**
 * Provider types and their default hosts, with no zod: the renderer imports these, and loading
 * zod's schemas in the page trips its eval probe against the CSP.
 */
export const PROVIDER_TYPES = ['ollama', 'openai', 'anthropic', 'gemini'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const DEFAULT_HOSTS: Record<ProviderType, string> = {
  ollama: 'http://127.0.0.1:11434',
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
};

/**
 * The environment variables a provider's key is read from when `api_key_env` is not set, first
 * one set wins (CONTRACT section 14). OpenAI-compatible servers have none: the host decides.
 */
export const DEFAULT_KEY_ENVS: Record<ProviderType, readonly string[]> = {
  ollama: [],
  openai: [],
  anthropic: ['ANTHROPIC_API_KEY'],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
};

/** What a model can do (CONTRACT section 12), in Ollama's words, which every adapter uses. */
export const MODEL_CAPABILITIES = ['completion', 'vision', 'tools', 'thinking', 'embedding'] as const;
export type ModelCapability = (typeof MODEL_CAPABILITIES)[number];
