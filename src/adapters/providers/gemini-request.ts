import type { Model } from '@google/genai';
import { thinkBudget } from '../../domain/chat.js';
import type { ModelCapability, ModelInfo, ProviderChatRequest } from '../../domain/provider.js';
import { geminiImageParts } from './image-parts.js';

/**
 * What the Gemini adapter sends and what it knows of models: the generateContent request, and
 * each model's capabilities as the model list gives them.
 */

/**
 * Gemini models that think (2.5 and later, the 2.0 "thinking" previews), for when the model list
 * has not been read: thinking asked of another model is sent without it.
 */
const THINKS = /^gemini-(?!1\.|2\.0|exp)|thinking/i;
/** Models that always think: `thinkingBudget: 0` is a 400 for them, so "off" only hides thoughts. */
const ALWAYS_THINKS = /^gemini-(2\.5-pro|3)/i;

export const thinksByName = (model: string): boolean => THINKS.test(model);

/**
 * A listed model as LightChat shows it, or undefined for models that do not chat (embedding and
 * image models do not answer generateContent). The list says `thinking`; every Gemini model also
 * sees images and calls functions (Gemma and the other open models on the API do neither reliably).
 */
export function readGeminiModel(model: Model): { info: ModelInfo; thinks: boolean } | undefined {
  if (!model.name || !model.supportedActions?.includes('generateContent')) return undefined;
  const id = model.name.replace(/^models\//, '');
  const thinks = model.thinking ?? thinksByName(id);
  const capabilities: ModelCapability[] = ['completion'];
  if (/^gemini-/i.test(id)) capabilities.push('vision', 'tools');
  if (model.thinking) capabilities.push('thinking');
  return {
    info: {
      id,
      name: model.displayName || id,
      capabilities,
      ...(model.inputTokenLimit ? { contextLength: model.inputTokenLimit } : {}),
    },
    thinks,
  };
}

/**
 * `options.think` as `thinkingConfig` (CONTRACT section 14): thoughts included with a budget, or
 * off — for a model that thinks; another model is sent nothing.
 */
export function thinkingConfig(
  model: string,
  think: ProviderChatRequest['options']['think'],
  thinks: boolean,
) {
  const budget = thinkBudget(think);
  if (budget === undefined || !thinks) return undefined;
  if (budget > 0) return { includeThoughts: true, thinkingBudget: budget };
  return ALWAYS_THINKS.test(model) ? { includeThoughts: false } : { thinkingBudget: 0 };
}

/** The request: system prompt in `systemInstruction`, assistant turns as `model`, thinking on request. */
export function generateBody(
  request: ProviderChatRequest,
  abortSignal: AbortSignal,
  thinks = thinksByName(request.model),
) {
  const { temperature, maxTokens, think, topP, stop, seed, jsonMode } = request.options;
  const system = request.messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  const thinking = thinkingConfig(request.model, think, thinks);
  return {
    model: request.model,
    contents: request.messages
      .filter((message) => message.role !== 'system')
      .map(({ role, content, thinkingSignature, images }) => ({
        role: role === 'assistant' ? 'model' : 'user',
        // An earlier answer's signature goes back on its part, as the API sent it.
        parts: [
          ...geminiImageParts(images),
          // An image alone needs no empty text part beside it.
          ...(content === '' && images?.length
            ? []
            : [
                {
                  text: content,
                  ...(role === 'assistant' && thinkingSignature
                    ? { thoughtSignature: thinkingSignature }
                    : {}),
                },
              ]),
        ],
      })),
    config: {
      abortSignal,
      ...(system ? { systemInstruction: system } : {}),
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxTokens === undefined ? {} : { maxOutputTokens: maxTokens }),
      ...(topP === undefined ? {} : { topP }),
      ...(stop === undefined ? {} : { stopSequences: stop }),
      ...(seed === undefined ? {} : { seed }),
      ...(jsonMode ? { responseMimeType: 'application/json' } : {}),
      ...(thinking ? { thinkingConfig: thinking } : {}),
    },
  };
}
