import type { ProviderType } from '../../domain/settings';

// Restated from src/domain/settings.ts (the types keep them in step): that module builds its zod
// schemas and parses its defaults when loaded, and zod's eval probe is a CSP violation in the page.

export const PROVIDER_TYPE_CHOICES = ['ollama', 'openai'] as const satisfies readonly ProviderType[];

/** What an empty `host` means, shown as the field's placeholder. */
export const DEFAULT_HOST_HINTS: Record<ProviderType, string> = {
  ollama: 'http://127.0.0.1:11434',
  openai: 'https://api.openai.com/v1',
};
