import { imageBytes, type ProviderImage, type ProviderMessage } from '../../domain/provider.js';

/**
 * Attached images in each API's words (CONTRACT section 12), one place for the four adapters, all
 * as base64. Ollama's and OpenAI's are streamed into their request bodies (`streamed-json.ts`):
 * `encode` gives the stand-in for each image there. Anthropic's and Gemini's SDKs take one string
 * per image: `imagesAsBase64` reads those whole first.
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

/** Every image of the messages read whole, as base64, for the SDKs that take a string. */
export async function imagesAsBase64(messages: readonly ProviderMessage[]): Promise<ImageEncoder> {
  const encoded = new Map<ProviderImage, string>();
  for (const image of messages.flatMap((message) => message.images ?? [])) {
    const bytes = await imageBytes(image);
    encoded.set(image, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'));
  }
  return (image) => encoded.get(image) ?? '';
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
