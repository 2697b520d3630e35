import type { ModelInfo } from '../provider.js';
import type { ProviderType } from '../settings.js';

/** Model ids that are not chat models (embedding, speech, image, moderation). */
const NOT_CHAT = /(embed|whisper|tts|dall-e|gpt-image|moderation|transcribe|davinci-00|babbage-00|sora)/i;

/**
 * Whether a model is offered for chat: by its capabilities when the API gave them (an
 * embedding-only model is not), else by its id.
 */
export const isChatModel = (_type: ProviderType, model: ModelInfo): boolean =>
  model.capabilities ? model.capabilities.includes('completion') : !NOT_CHAT.test(model.id);

export const firstChatModel = (type: ProviderType, models: ModelInfo[]): ModelInfo | undefined =>
  models.find((model) => isChatModel(type, model));
