import type { ProviderImage, ProviderMessage } from '../../domain/provider.js';

/**
 * Attached images in each API's words (CONTRACT section 12), one place for the four adapters, all
 * as base64, streamed into the request bodies (`streamed-json.ts`): `encode` gives the stand-in for
 * each image there, never its base64 (a 20 MB image is never one string in memory).
 */

export type ImageEncoder = (image: ProviderImage) => string;

/** Ollama: `images` (base64) beside `content`. */
export const ollamaMessage = ({ role, content, images }: ProviderMessage, encode: ImageEncoder) => ({
  role,
  content,
  ...(images?.length ? { images: images.map(encode) } : {}),
});

/** OpenAI Chat Completions: a user message with images becomes text and `image_url` parts (data URLs). */
export function openAIMessage({ role, content, images }: ProviderMessage, encode: ImageEncoder) {
  if (role !== 'user' || !images?.length) return { role, content };
  return {
    role,
    content: [
      ...(content === '' ? [] : [{ type: 'text' as const, text: content }]),
      ...images.map((image) => ({
        type: 'image_url' as const,
        image_url: { url: `data:${image.mimeType};base64,${encode(image)}` },
      })),
    ],
  };
}

/** Anthropic Messages: image blocks before the text, as its documentation advises. */
export const anthropicImageBlocks = (images: readonly ProviderImage[] | undefined, encode: ImageEncoder) =>
  (images ?? []).map((image) => ({
    type: 'image' as const,
    source: {
      type: 'base64' as const,
      media_type: image.mimeType as 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp',
      data: encode(image),
    },
  }));

/** Gemini: `inlineData` parts. */
export const geminiImageParts = (images: readonly ProviderImage[] | undefined, encode: ImageEncoder) =>
  (images ?? []).map((image) => ({ inlineData: { mimeType: image.mimeType, data: encode(image) } }));
