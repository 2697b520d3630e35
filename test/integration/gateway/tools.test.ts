import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, isStepCount, jsonSchema, tool } from 'ai';
import type {
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatBehaviour, ChatRequestInfo } from '../../fixtures/index.js';
import { type GatewayWorld, startGatewayWorld } from './gateway-world.js';

/**
 * Tools through the gateway (CONTRACT section 13): the client's tools go to the provider in its
 * format, the model's calls come back as OpenAI `tool_calls`, and the client's results reach the
 * provider as it expects them — with the real clients. The gateway runs no tool itself.
 */

const CITY = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
};
const WEATHER_TOOL = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'The weather in a city', parameters: CITY },
};
const QUESTION = 'What is the weather in Paris?';

/** A model that calls `get_weather` when offered it, and answers from the tool's result. */
function weatherModel(request: ChatRequestInfo): ChatBehaviour {
  const last = request.messages.at(-1);
  if (last?.role === 'tool') return { text: `It is ${last.content} in Paris.` };
  if (Array.isArray(request.body.tools) && request.body.tools.length > 0) {
    return {
      text: '',
      toolCalls: [{ id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Paris' } }],
    };
  }
  return { text: 'No tools here.' };
}

let world: GatewayWorld;
beforeAll(async () => {
  world = await startGatewayWorld({
    ollama: { models: [{ name: 'qwen3', tools: true }], behaviour: weatherModel },
    openai: { models: ['gpt-4o-mini'], behaviour: weatherModel },
  });
});
afterAll(() => world.close());

const MODELS = { ollama: 'fake_ollama/qwen3', openai: 'fake_openai/gpt-4o-mini' } as const;

/** The last chat request a fake received. */
function lastChatBody(fake: 'ollama' | 'openai'): Record<string, unknown> {
  const path = fake === 'ollama' ? '/api/chat' : '/v1/chat/completions';
  const request = world[fake].requests.findLast((recorded) => recorded.path === path);
  return request?.body as Record<string, unknown>;
}

interface Turn {
  text: string | null;
  calls: ChatCompletionMessageToolCall[];
  finishReason: string | null | undefined;
}

/** One turn through the openai SDK, streamed (deltas joined by index, as the SDK's users do) or not. */
async function turn(
  model: string,
  messages: ChatCompletionMessageParam[],
  stream: boolean,
  extra: { tool_choice?: 'none' | 'required' | { type: 'function'; function: { name: string } } } = {},
): Promise<Turn> {
  const client = world.client();
  const request = { model, messages, tools: [WEATHER_TOOL], ...extra };
  if (!stream) {
    const completion = await client.chat.completions.create(request);
    const choice = completion.choices[0];
    return {
      text: choice?.message.content ?? null,
      calls: (choice?.message.tool_calls ?? []) as ChatCompletionMessageToolCall[],
      finishReason: choice?.finish_reason,
    };
  }
  let text = '';
  let finishReason: string | null | undefined;
  const calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
  for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
    const choice = chunk.choices[0];
    text += choice?.delta.content ?? '';
    for (const delta of choice?.delta.tool_calls ?? []) {
      calls[delta.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } };
      const call = calls[delta.index]!;
      call.id ||= delta.id ?? '';
      call.function.name += delta.function?.name ?? '';
      call.function.arguments += delta.function?.arguments ?? '';
    }
    finishReason = choice?.finish_reason ?? finishReason;
  }
  return { text, calls, finishReason };
}

describe.each([
  ['ollama', true],
  ['ollama', false],
  ['openai', true],
  ['openai', false],
] as const)('a full tool round trip with the openai SDK: %s, stream %s', (fake, stream) => {
  it("relays the client's tool, the model's call and the client's result, then the answer", async () => {
    const ask: ChatCompletionMessageParam[] = [{ role: 'user', content: QUESTION }];
    const first = await turn(MODELS[fake], ask, stream);
    expect(first.finishReason).toBe('tool_calls');
    expect(first.calls).toHaveLength(1);
    const [call] = first.calls;
    if (call?.type !== 'function') throw new Error('no function call came back');
    // Ollama's calls have no id: LightChat makes one; OpenAI's id is passed on.
    expect(call.id).toMatch(fake === 'ollama' ? /^call_\w+$/ : /^call_weather_1$/);
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    if (!stream) expect(first.text).toBeNull();

    // The tool went to the provider in its own format.
    expect(lastChatBody(fake).tools).toEqual([WEATHER_TOOL]);

    const second = await turn(
      MODELS[fake],
      [
        ...ask,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: 'sunny' },
      ],
      stream,
    );
    expect(second.text).toBe('It is sunny in Paris.');
    expect(second.finishReason).toBe('stop');
    expect(second.calls).toEqual([]);

    // The call and its result reached the provider as it expects them.
    const sent = lastChatBody(fake).messages as Record<string, unknown>[];
    if (fake === 'ollama') {
      expect(sent.slice(1)).toEqual([
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
        },
        { role: 'tool', content: 'sunny', tool_name: 'get_weather' },
      ]);
    } else {
      expect(sent.slice(1)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_weather_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', content: 'sunny', tool_call_id: 'call_weather_1' },
      ]);
    }
  });
});

describe('tool_choice', () => {
  it('goes to OpenAI as the client sent it', async () => {
    const choice = { type: 'function' as const, function: { name: 'get_weather' } };
    await turn(MODELS.openai, [{ role: 'user', content: QUESTION }], false, { tool_choice: choice });
    expect(lastChatBody('openai').tool_choice).toEqual(choice);
  });

  it('"none" reaches Ollama (which has no tool_choice) as no tools at all', async () => {
    const answer = await turn(MODELS.ollama, [{ role: 'user', content: QUESTION }], false, {
      tool_choice: 'none',
    });
    expect(answer.text).toBe('No tools here.');
    expect(lastChatBody('ollama').tools).toBeUndefined();
  });

  it('"required" for Ollama is ignored, and the call log says so', async () => {
    const answer = await turn(MODELS.ollama, [{ role: 'user', content: QUESTION }], false, {
      tool_choice: 'required',
    });
    expect(answer.finishReason).toBe('tool_calls');
    const entry = (await world.core.logs.recent(200)).findLast((e) => e.eventType === 'gateway_call');
    expect(entry?.details).toMatchObject({ ignored_params: ['tool_choice'], finish_reason: 'tool_calls' });
  });
});

describe('the gateway runs no tool of its own', () => {
  it('a call ends the answer: nothing is run, nothing waits for an approval', async () => {
    const first = await turn(MODELS.ollama, [{ role: 'user', content: QUESTION }], true);
    expect(first.finishReason).toBe('tool_calls');
    expect(world.core.toolApprovals.pending()).toEqual([]);
    const entries = await world.core.logs.recent(500);
    expect(entries.some((entry) => entry.eventType === 'tool_call')).toBe(false);
  });
});

describe('LangChain ChatOpenAI.bindTools', () => {
  it('invoke gets the call, and the answer once the result goes back', async () => {
    const model = new ChatOpenAI({
      model: MODELS.ollama,
      apiKey: world.key,
      configuration: { baseURL: world.baseURL },
      maxRetries: 0,
    }).bindTools([WEATHER_TOOL]);
    const called = await model.invoke(QUESTION);
    expect(called.tool_calls).toEqual([
      expect.objectContaining({
        name: 'get_weather',
        args: { city: 'Paris' },
        id: expect.stringMatching(/^call_/),
      }),
    ]);
    const id = called.tool_calls?.[0]?.id ?? '';
    const answer = await model.invoke([
      { role: 'user', content: QUESTION },
      called,
      new ToolMessage({ tool_call_id: id, content: 'sunny' }),
    ]);
    expect(answer.content).toBe('It is sunny in Paris.');
  });
});

describe('the Vercel AI SDK', () => {
  it('generateText with a tool runs its own loop and gets the final text', async () => {
    const lightchat = createOpenAICompatible({
      name: 'lightchat',
      baseURL: world.baseURL,
      apiKey: world.key,
    });
    const cities: string[] = [];
    const result = await generateText({
      model: lightchat(MODELS.openai),
      prompt: QUESTION,
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: jsonSchema<{ city: string }>({
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          }),
          execute: async ({ city }) => {
            cities.push(city);
            return 'sunny';
          },
        }),
      },
      stopWhen: isStepCount(3),
      maxRetries: 0,
    });
    expect(cities).toEqual(['Paris']);
    expect(result.text).toBe('It is sunny in Paris.');
    expect(result.steps).toHaveLength(2);
  });
});
