import { NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding } from '../../fixtures/index.js';
import { authHeader } from '../api/support.js';
import { type GatewayWorld, startGatewayWorld } from './gateway-world.js';

let world: GatewayWorld;
beforeAll(async () => {
  world = await startGatewayWorld({
    ollama: { models: ['llama3.2', 'nomic-embed-text'] },
    openai: { models: ['gpt-4o-mini', 'text-embedding-3-small'] },
  });
});
afterAll(() => world.close());

describe('POST /v1/embeddings', () => {
  it.each([
    ['fake_ollama/nomic-embed-text', 'Ollama /api/embed'],
    ['fake_openai/text-embedding-3-small', 'OpenAI /embeddings'],
  ])('gives the openai SDK the vectors of %s (%s), in order, with usage', async (model) => {
    const texts = ['first text', 'the second one'];
    const answer = await world.client().embeddings.create({ model, input: texts });
    expect(answer.object).toBe('list');
    expect(answer.model).toBe(model);
    // The SDK asks for base64 and decodes it: the floats must survive exactly.
    expect(answer.data.map((item) => item.embedding)).toEqual(texts.map((text) => fakeEmbedding(text)));
    expect(answer.data.map((item) => item.index)).toEqual([0, 1]);
    expect(answer.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
  });

  it('answers floats to a client that asks for them, for one text, by a bare model id', async () => {
    const response = await fetch(`${world.baseURL}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeader(world.key) },
      body: JSON.stringify({ model: 'nomic-embed-text', input: 'one', encoding_format: 'float' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { embedding: number[] }[] };
    expect(body.data[0]?.embedding).toEqual(fakeEmbedding('one'));
  });

  it('an unknown model is NotFoundError 404 naming the available ids', async () => {
    const error = await world
      .client()
      .embeddings.create({ model: 'fake_openai/nope', input: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toContain('fake_openai/text-embedding-3-small');
  });

  it('token arrays are 400, naming input', async () => {
    const response = await fetch(`${world.baseURL}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeader(world.key) },
      body: JSON.stringify({ model: 'fake_ollama/nomic-embed-text', input: [[1, 2, 3]] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { param: string; message: string } };
    expect(body.error.param).toBe('input');
  });
});
