/**
 * Provider types and their default hosts, with no zod: the renderer imports these, and loading
 * zod's schemas in the page trips its eval probe against the CSP.
 */
export const PROVIDER_TYPES = ['ollama', 'openai'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const DEFAULT_HOSTS: Record<ProviderType, string> = {
  ollama: 'http://127.0.0.1:11434',
  openai: 'https://api.openai.com/v1',
};
