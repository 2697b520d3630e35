import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import type { ChatOptions } from '../../../src/domain/chat.js';
import { drain, mockProviderServer } from './support.js';
import { ollamaWorld, openaiWorld } from './worlds.js';

/** `options.think` (CONTRACT section 12) as Ollama's `think` and OpenAI's `reasoning_effort`. */
const server = mockProviderServer();

async function bodiesFor(
  world: typeof ollamaWorld,
  model: string,
  thinks: ChatOptions['think'][],
): Promise<Record<string, unknown>[]> {
  const seen = world.onChat(server, () => new HttpResponse(null, { status: 400 }));
  for (const think of thinks) await drain(world.provider(), { model, think });
  return Promise.all(seen.map(async (request) => (await request.clone().json()) as Record<string, unknown>));
}

describe('options.think for Ollama', () => {
  const thinkingModel = () =>
    server.use(
      http.post('http://127.0.0.1:11434/api/show', () =>
        HttpResponse.json({ capabilities: ['completion', 'thinking'] }),
      ),
    );

  it('sends think to a thinking model: on unless asked otherwise, levels only to gpt-oss', async () => {
    const seen = ollamaWorld.onChat(server, () => new HttpResponse(null, { status: 400 }));
    thinkingModel();
    const cases: [string, ChatOptions['think']][] = [
      ['qwen3', undefined],
      ['qwen3', false],
      ['qwen3', 'high'],
      ['gpt-oss:20b', true],
      ['gpt-oss:20b', 'low'],
      ['gpt-oss:20b', false],
    ];
    for (const [model, think] of cases) await drain(ollamaWorld.provider(), { model, think });
    const bodies = await Promise.all(
      seen.map(async (request) => (await request.clone().json()) as { think?: unknown }),
    );
    expect(bodies.map((body) => body.think)).toEqual([true, false, true, 'medium', 'low', false]);
  });

  it('sends no think to a model without the thinking capability, whatever was asked', async () => {
    const bodies = await bodiesFor(ollamaWorld, 'llama3.2', [true, 'high', false]);
    expect(bodies.map((body) => 'think' in body)).toEqual([false, false, false]);
  });
});

describe('options.think for OpenAI', () => {
  it('sends reasoning_effort to reasoning models: levels as asked, true as medium, false as their lowest', async () => {
    const seen = openaiWorld.onChat(server, () => new HttpResponse(null, { status: 400 }));
    const cases: [string, ChatOptions['think']][] = [
      ['o4-mini', 'high'],
      ['o4-mini', true],
      ['o3', false],
      ['gpt-5', false],
      ['gpt-5.1', false],
      ['gpt-5-mini', 'low'],
    ];
    for (const [model, think] of cases) await drain(openaiWorld.provider(), { model, think });
    const bodies = await Promise.all(
      seen.map(async (request) => (await request.clone().json()) as { reasoning_effort?: unknown }),
    );
    expect(bodies.map((body) => body.reasoning_effort)).toEqual([
      'high',
      'medium',
      'low',
      'minimal',
      'none',
      'low',
    ]);
  });

  it('sends no reasoning_effort to other models (nor when think is unset)', async () => {
    const bodies = await bodiesFor(openaiWorld, 'gpt-4o-mini', [true, 'high']);
    const unset = await bodiesFor(openaiWorld, 'o4-mini', [undefined]);
    const chat = await bodiesFor(openaiWorld, 'gpt-5-chat-latest', [true]);
    expect([...bodies, ...unset, ...chat].map((body) => 'reasoning_effort' in body)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
