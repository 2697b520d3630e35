import { BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWorld, startGatewayWorld } from './gateway-world.js';

/**
 * Image parts through the gateway (CONTRACT sections 12 and 13): a data URL reaches a vision model
 * in its provider's format (Ollama `images`, OpenAI `image_url`); a model known not to see is a 400.
 */

/** A 1×1 PNG. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PNG_URL = `data:image/png;base64,${PNG_BASE64}`;

let world: GatewayWorld;
beforeAll(async () => {
  world = await startGatewayWorld({
    ollama: {
      models: ['llama3.2', { name: 'llava', capabilities: ['completion', 'vision'] }],
      behaviour: { text: 'A tiny picture.' },
    },
    openai: { models: ['gpt-4o-mini'], behaviour: { text: 'A tiny picture.' } },
  });
});
afterAll(() => world.close());

function lastChatBody(fake: 'ollama' | 'openai'): { messages: Record<string, unknown>[] } {
  const path = fake === 'ollama' ? '/api/chat' : '/v1/chat/completions';
  return world[fake].requests.findLast((request) => request.path === path)?.body as {
    messages: Record<string, unknown>[];
  };
}

const lookAt = (url: string) => [
  {
    role: 'user' as const,
    content: [
      { type: 'text' as const, text: 'What is this?' },
      { type: 'image_url' as const, image_url: { url } },
    ],
  },
];

describe('image parts with the openai SDK', () => {
  it('reach an Ollama vision model as `images` beside the text', async () => {
    const completion = await world.client().chat.completions.create({
      model: 'fake_ollama/llava',
      messages: lookAt(PNG_URL),
    });
    expect(completion.choices[0]?.message.content).toBe('A tiny picture.');
    expect(lastChatBody('ollama').messages).toEqual([
      { role: 'user', content: 'What is this?', images: [PNG_BASE64] },
    ]);
  });

  it('reach OpenAI as image_url parts with the same data URL', async () => {
    const stream = await world.client().chat.completions.create({
      model: 'fake_openai/gpt-4o-mini',
      messages: lookAt(PNG_URL),
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('A tiny picture.');
    expect(lastChatBody('openai').messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: PNG_URL } },
        ],
      },
    ]);
  });

  it('a model known not to see images is the SDK’s BadRequestError (400), and nothing is sent', async () => {
    const before = world.ollama.stats.started;
    const error = await world
      .client()
      .chat.completions.create({ model: 'fake_ollama/llama3.2', messages: lookAt(PNG_URL) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain('cannot see images');
    expect(world.ollama.stats.started).toBe(before);
  });

  it('takes a 2 MiB request with an image', async () => {
    const png = Buffer.from(PNG_BASE64, 'base64');
    const big = Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024 - png.length, 0)]);
    const completion = await world.client().chat.completions.create({
      model: 'fake_ollama/llava',
      messages: lookAt(`data:image/png;base64,${big.toString('base64')}`),
    });
    expect(completion.choices[0]?.message.content).toBe('A tiny picture.');
    const images = lastChatBody('ollama').messages[0]?.images as string[];
    expect(Buffer.from(images[0] ?? '', 'base64').length).toBe(big.length);
  });
});
