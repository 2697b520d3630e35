import type { ProviderFactory } from '../../domain/provider.js';
import type { ProviderType } from '../../domain/settings.js';
import { createAnthropicProvider } from './anthropic.js';
import { createGeminiProvider } from './gemini.js';
import type { Env, SystemProxy } from './http.js';
import { createOllamaProvider } from './ollama.js';
import { createOpenAIProvider, OpenAICompatMemory } from './openai.js';

/**
 * The factory map `type → adapter` the ProviderRegistry is built from. Each factory only wires
 * settings; the SDKs (and undici, for proxies) load on the first request.
 */
export function createProviderFactories(deps: {
  env: Readonly<Record<string, string | undefined>>;
  /** Desktop only: the system's proxy settings, asked per provider host. */
  systemProxy?: SystemProxy | undefined;
}): Record<ProviderType, ProviderFactory> {
  const { env, systemProxy }: { env: Env; systemProxy?: SystemProxy | undefined } = deps;
  // Outlives registry rebuilds, so a settings edit does not forget which hosts reject stream_options.
  const memory = new OpenAICompatMemory();
  return {
    ollama: (config) => createOllamaProvider(config, { env, systemProxy }),
    openai: (config) => createOpenAIProvider(config, { env, systemProxy, memory }),
    anthropic: (config) => createAnthropicProvider(config, { env, systemProxy }),
    gemini: (config) => createGeminiProvider(config, { env, systemProxy }),
  };
}

export { matchesNoProxy, type ProxyRoute, proxyRoute, type SystemProxy } from './http.js';
export { isReasoningModel } from './openai.js';
