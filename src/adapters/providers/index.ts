import type { ProviderFactory } from '../../domain/provider.js';
import type { ProviderType } from '../../domain/settings.js';
import { createAnthropicProvider } from './anthropic.js';
import { createGeminiProvider } from './gemini.js';
import type { Env } from './http.js';
import { createOllamaProvider } from './ollama.js';
import { createOpenAIProvider, OpenAICompatMemory } from './openai.js';

/**
 * The factory map `type → adapter` the ProviderRegistry is built from. Each factory only wires
 * settings; the SDKs (and undici, for proxies) load on the first request.
 */
export function createProviderFactories(deps: {
  env: Readonly<Record<string, string | undefined>>;
}): Record<ProviderType, ProviderFactory> {
  const env: Env = deps.env;
  // Outlives registry rebuilds, so a settings edit does not forget which hosts reject stream_options.
  const memory = new OpenAICompatMemory();
  return {
    ollama: (config) => createOllamaProvider(config, { env }),
    openai: (config) => createOpenAIProvider(config, { env, memory }),
    anthropic: (config) => createAnthropicProvider(config, { env }),
    gemini: (config) => createGeminiProvider(config, { env }),
  };
}

export { matchesNoProxy, type ProxyRoute, proxyRoute } from './http.js';
export { isReasoningModel } from './openai.js';
