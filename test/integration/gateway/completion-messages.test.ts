import { describe, expect, it } from 'vitest';
import { readCompletionRequest } from '../../../src/adapters/gateway/completion-request.js';
import { AppError } from '../../../src/domain/errors.js';
import { imageBytes } from '../../../src/domain/provider.js';

/** The gateway's reading of messages, without a server: what a big body would make slow over HTTP. */

const withImage = (base64: string) => ({
  model: 'fake_ollama/llava',
  messages: [
    { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${base64}` } }] },
  ],
});

function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('image parts as the gateway reads them', () => {
  it('an image over the attachments limit (20 MB) is ATTACHMENT_TOO_LARGE, refused before it is decoded', () => {
    const big = Buffer.alloc(21 * 1024 * 1024, 0).toString('base64');
    const error = errorOf(() => readCompletionRequest(withImage(big)));
    expect(error.code).toBe('ATTACHMENT_TOO_LARGE');
    expect(error.message).toContain('messages[0].content[0]');
    expect(error.message).toContain('may be at most 20 MB');
  });

  it('keeps the bytes and the type the content says, named by where the part was', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2]);
    const [message] = readCompletionRequest(withImage(png.toString('base64'))).messages;
    const image = message?.images?.[0];
    if (!image) throw new Error('no image read');
    expect(image).toMatchObject({ name: 'messages[0].content[0]', mimeType: 'image/png', size: png.length });
    expect(Buffer.from(await imageBytes(image)).equals(png)).toBe(true);
  });
});
