import type { ModelInfo, ProviderInfo } from '../../domain/provider';

/** The provider in use: the one chosen if it still exists, else the default, else the first. */
export function effectiveProviderId(providers: ProviderInfo[], chosen: string | null): string | null {
  if (chosen !== null && providers.some((provider) => provider.id === chosen)) return chosen;
  return (providers.find((provider) => provider.isDefault) ?? providers[0])?.id ?? null;
}

/** The model in use: the one chosen if listed, else the provider's default model if listed, else the first. */
export function effectiveModelId(
  models: ModelInfo[],
  provider: ProviderInfo | undefined,
  chosen: string | null,
): string | null {
  const listed = (id: string | null | undefined) => id != null && models.some((model) => model.id === id);
  if (listed(chosen)) return chosen;
  if (listed(provider?.defaultModel)) return provider!.defaultModel;
  return (models.find(offeredForChat) ?? models[0])?.id ?? null;
}

/** An embedding-only model is not offered for chat (its capabilities say so); unknown ones are. */
export const offeredForChat = (model: ModelInfo): boolean =>
  !model.capabilities || model.capabilities.length === 0 || model.capabilities.includes('completion');

function formatBytes(bytes: number): string {
  const gb = bytes / 1e9;
  return gb >= 1 ? `${gb.toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

/** "3.2B · Q4_K_M · 2.0 GB": what helps choose between local models. */
export function modelDetails(model: ModelInfo): string {
  const parts = [
    model.parameterSize,
    model.quantization,
    model.sizeBytes ? formatBytes(model.sizeBytes) : undefined,
  ];
  return parts.filter((part): part is string => Boolean(part)).join(' · ');
}

const STATUS_WORDS: Record<ProviderInfo['status'], string> = {
  ok: 'ready',
  unreachable: 'not reachable',
  unauthorized: 'key rejected',
  error: 'error',
};

/** The provider's status in words, with its reason: shown on hover over the status dot. */
export function providerStatusText(provider: ProviderInfo): string {
  const reason = provider.statusMessage ? `: ${provider.statusMessage}` : '';
  return `${STATUS_WORDS[provider.status]}${reason}`;
}

/** What to say when a provider lists no models. */
export function noModelsHint(provider: ProviderInfo | undefined): string {
  if (provider?.type === 'ollama') {
    return 'Ollama has no models yet. Pull one in a terminal, e.g. `ollama pull llama3.2`, then open this list again.';
  }
  return 'This provider lists no chat models. Check its host and API key in Settings.';
}

/**
 * Whether the `Tools` switch is shown: an MCP server is enabled, and the model can use tools — its
 * capabilities say so, or it has none listed (`null`, unknown) on a provider other than Ollama, which
 * always says what a model can do (OpenAI-compatible servers, Anthropic and Gemini mostly don't).
 */
export function toolsOffered(options: {
  model: ModelInfo | undefined;
  provider: ProviderInfo | undefined;
  mcpServers: Record<string, { enabled?: boolean }> | undefined;
}): boolean {
  const { model, provider, mcpServers } = options;
  if (!model || !provider) return false;
  if (!Object.values(mcpServers ?? {}).some((server) => server.enabled !== false)) return false;
  if (model.capabilities) return model.capabilities.includes('tools');
  return provider.type !== 'ollama';
}
