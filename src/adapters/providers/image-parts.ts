import type { ProviderImage, ProviderMessage } from '../../domain/provider.js';

/**
 * Attached images in each API's words (CONTRACT section 12), one place for the four adapters, all
 * as base64. Ollama's is streamed into its request body (`streamed-json.ts`): `encode` gives the
 * stand-in for each image there.
 */

export const base64Of = (image: ProviderImage): string =>
  Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength).toString('base64');

/** Ollama: `images` (base64) beside `content`. */
export const ollamaMessage = (
  { role, content, images }: ProviderMessage,
  encode: (image: ProviderImage) => string = base64Of,
) => ({
  role,
  content,
  ...(images?.length ? { images: images.map(encode) } : {}),
});

/** OpenAI Chat Completions: a user message with images becomes text and `image_url` parts (data URLs). */
export function openAIMessage({ role, content, images }: ProviderMessage) {
  if (role !== 'user' || !images?.length) return { role, content };
  return {
    role,
    content: [
      ...(content === '' ? [] : [{ type: 'text' as const, text: content }]),
      ...images.map((image) => ({
        type: 'image_url' as const,
        image_url: { url: `data:${image.mimeType};base64,${base64Of(image)}` },
      })),
    ],
  };
}

/** Anthropic Messages: image blocks before the text, as its documentation advises. */
export const anthropicImageBlocks = (images: readonly ProviderImage[] | undefined) =>
  (images ?? []).map((image) => ({
    type: 'image' as const,
    source: {
      type: 'base64' as const,
      media_type: image.mimeType as 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp',
      data: base64Of(image),
    },
  }));

/** Gemini: `inlineData` parts. */
export const geminiImageParts = (images: readonly ProviderImage[] | undefined) =>
  (images ?? []).map((image) => ({ inlineData: { mimeType: image.mimeType, data: base64Of(image) } }));
