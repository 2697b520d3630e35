import type { ModelInfo } from '../../domain/provider';
import type { ProviderType } from '../../domain/provider-types';
import { type Think, thinkTakesLevels } from '../../domain/think';

/** The model the next message goes to, as its provider lists it (set by the header's selection). */
export interface ModelInUse {
  providerType: ProviderType;
  model: ModelInfo;
  /** The provider's own system prompt from settings: sent when the window sets none. */
  providerPrompt: string | null;
}

/** How the model takes thinking: not at all, on/off (Ollama), or a level (OpenAI, Anthropic, Gemini, gpt-oss). */
export type ThinkSupport = 'none' | 'switch' | 'levels';

/** The `Think` switch is offered only for models whose capabilities say they think. */
export function thinkSupport(inUse: ModelInUse | null): ThinkSupport {
  if (!inUse?.model.capabilities?.includes('thinking')) return 'none';
  return thinkTakesLevels(inUse.providerType, inUse.model.id) ? 'levels' : 'switch';
}

/** The level shown for a setting: a level as set, else medium (what `true` means). */
export const levelOf = (setting: Think | null): 'low' | 'medium' | 'high' =>
  typeof setting === 'string' ? setting : 'medium';

/**
 * `options.think` for a conversation's setting (null: never touched, the switch shows on): always
 * said for a thinking model — off is `false`, never left out, so a model that thinks by default
 * stops — and left out for others.
 */
export function thinkToSend(setting: Think | null, support: ThinkSupport): Think | undefined {
  if (support === 'none') return undefined;
  if (setting === false) return false;
  return support === 'levels' ? levelOf(setting) : true;
}
