import type { ChatProvider, ModelDetails, ModelInfo } from '../provider.js';
import type { ProviderConfig } from '../settings.js';

/**
 * `providers[].models` of the settings fill in what a provider's API does not say (CONTRACT
 * section 12): the API's own capabilities and context length win, the settings come next, else
 * capabilities are `null` (unknown).
 */
export function withModelSettings(config: ProviderConfig, model: ModelInfo): ModelInfo {
  const configured = config.models?.[model.id];
  const contextLength = model.contextLength ?? configured?.contextLength;
  return {
    ...model,
    capabilities: model.capabilities ?? configured?.capabilities ?? null,
    ...(contextLength === undefined ? {} : { contextLength }),
  };
}

/**
 * The provider as the rest of LightChat sees it: every model list passes through the settings
 * above. The wrapper inherits everything else from the adapter (its prototype is the adapter), so
 * optional methods stay present or absent as they were.
 */
export function applyModelSettings(provider: ChatProvider): ChatProvider {
  const wrapped: ChatProvider = Object.create(provider);
  wrapped.listModels = async (signal, options) =>
    (await provider.listModels(signal, options)).map((model) => withModelSettings(provider.config, model));
  return wrapped;
}

/**
 * Capabilities and context window of one model, for a chat about to be sent: the provider's word
 * (Ollama `/api/show`, cached), then the settings. Never throws; `{}` when nothing is known.
 */
export async function modelDetailsOf(
  provider: ChatProvider,
  model: string,
  signal: AbortSignal,
): Promise<ModelDetails> {
  let known: ModelDetails | undefined;
  try {
    known = await provider.modelDetails?.(model, signal);
  } catch {
    known = undefined; // the port promises not to throw; a provider that can't tell says nothing
  }
  const configured = provider.config.models?.[model];
  const capabilities = known?.capabilities ?? configured?.capabilities;
  const contextLength = known?.contextLength ?? configured?.contextLength;
  return {
    ...(capabilities ? { capabilities } : {}),
    ...(contextLength === undefined ? {} : { contextLength }),
  };
}
