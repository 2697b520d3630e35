import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OLLAMA_ANSWER, FAKE_OPENAI_ANSWER, tokenize } from '../../fixtures/index.js';
import { type GatewayWorld, startGatewayWorld } from './gateway-world.js';

let world: GatewayWorld;
beforeAll(async () => {
  world = await startGatewayWorld();
});
afterAll(() => world.close());

const OLLAMA_TOKENS = tokenize(FAKE_OLLAMA_ANSWER).length;
const OPENAI_TOKENS = tokenize(FAKE_OPENAI_ANSWER).length;

describe('LangChain ChatOpenAI with nothing but the base URL and a gateway key', () => {
  const chat = (model: string, fields: { streamUsage?: boolean } = {}) =>
    new ChatOpenAI({
      model,
      apiKey: world.key,
      configuration: { baseURL: world.baseURL },
      maxRetries: 0,
      ...fields,
    });

  it('invokes a model of Ollama: exact text, usage and finish reason', async () => {
    const answer = await chat('fake_ollama/llama3.2').invoke('Hello');
    expect(answer.content).toBe(FAKE_OLLAMA_ANSWER);
    expect(answer.usage_metadata).toMatchObject({ input_tokens: 1, output_tokens: OLLAMA_TOKENS });
    expect(answer.response_metadata.finish_reason).toBe('stop');
  });

  it('streams a model of OpenAI: exact text, and usage at the end', async () => {
    let text = '';
    let outputTokens: number | undefined;
    for await (const chunk of await chat('fake_openai/gpt-4o-mini', { streamUsage: true }).stream('Hello')) {
      text += typeof chunk.content === 'string' ? chunk.content : '';
      outputTokens = chunk.usage_metadata?.output_tokens ?? outputTokens;
    }
    expect(text).toBe(FAKE_OPENAI_ANSWER);
    expect(outputTokens).toBe(OPENAI_TOKENS);
  });
});

describe('the Vercel AI SDK (openai-compatible provider)', () => {
  const lightchat = () =>
    createOpenAICompatible({
      name: 'lightchat',
      baseURL: world.baseURL,
      apiKey: world.key,
      includeUsage: true,
    });

  it('generateText: exact text, usage and finish reason', async () => {
    const result = await generateText({
      model: lightchat()('fake_openai/gpt-4o-mini'),
      prompt: 'Hello',
      maxRetries: 0,
    });
    expect(result.text).toBe(FAKE_OPENAI_ANSWER);
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(1);
    expect(result.usage.outputTokens).toBe(OPENAI_TOKENS);
  });

  it('streamText: exact text, usage and finish reason', async () => {
    const result = streamText({ model: lightchat()('fake_ollama/llama3.2'), prompt: 'Hello', maxRetries: 0 });
    let text = '';
    for await (const part of result.textStream) text += part;
    expect(text).toBe(FAKE_OLLAMA_ANSWER);
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBe(OLLAMA_TOKENS);
  });

  it('a finish by max tokens reads as "length"', async () => {
    const result = await generateText({
      model: lightchat()('fake_ollama/llama3.2'),
      prompt: 'Hello',
      maxOutputTokens: 2,
      maxRetries: 0,
    });
    expect(result.text).toBe(tokenize(FAKE_OLLAMA_ANSWER).slice(0, 2).join(''));
    expect(result.finishReason).toBe('length');
  });
});
