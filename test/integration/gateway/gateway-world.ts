import OpenAI from 'openai';
import { FAKE_OLLAMA_ANSWER, FAKE_OPENAI_ANSWER } from '../../fixtures/index.js';
import { startWorld, type World, type WorldOptions } from '../api/support.js';

export interface GatewayWorld extends World {
  /** A gateway key created for the tests. */
  key: string;
  /** `http://127.0.0.1:<port>/v1` */
  baseURL: string;
  /** The official SDK pointed at the gateway with the key (no retries: each test sees one call). */
  client(options?: { apiKey?: string }): OpenAI;
}

/** A prompt whose answer names it: concurrent streams can each check they got their own text. */
export const echoAnswer = (prompt: string): string => `You said ${prompt} and this is the answer.`;

/**
 * The API test world (fake Ollama and fake OpenAI behind LightChat) plus a gateway key. Both fakes
 * answer `echo: …` prompts with `echoAnswer`, everything else with their fixed answer.
 */
export async function startGatewayWorld(options: WorldOptions = {}): Promise<GatewayWorld> {
  const echo = (fixed: string) => (request: { messages: { content: string }[] }) => {
    const last = request.messages.at(-1)?.content ?? '';
    return { text: last.startsWith('echo: ') ? echoAnswer(last.slice(6)) : fixed };
  };
  const world = await startWorld({
    ...options,
    ollama: { behaviour: echo(FAKE_OLLAMA_ANSWER), ...options.ollama },
    openai: { behaviour: echo(FAKE_OPENAI_ANSWER), ...options.openai },
  });
  const { key } = await world.core.gatewayKeys.create('tests');
  const baseURL = `${world.url}/v1`;
  return {
    ...world,
    key,
    baseURL,
    client: (clientOptions = {}) =>
      new OpenAI({ apiKey: clientOptions.apiKey ?? key, baseURL, maxRetries: 0, timeout: 20_000 }),
  };
}
