import { afterEach, describe, expect, it } from 'vitest';
import { createProviderFactories } from '../../../src/adapters/providers/index.js';
import type { ChatBehaviour } from '../../../src/demo/chat-behaviour.js';
import type {
  ChatProvider,
  ProviderChatRequest,
  ProviderChunk,
  ProviderMessage,
} from '../../../src/domain/provider.js';
import type { ProviderType } from '../../../src/domain/settings.js';
import {
  FAKE_ANTHROPIC_KEY,
  type FakeProviderServer,
  startFakeAnthropic,
  startFakeOllama,
  startFakeOpenAI,
} from '../../fixtures/index.js';

let fake: FakeProviderServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const LIST = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
const tools = [{ name: 'list_directory', description: 'Lists a directory', parameters: LIST }];

function adapter(type: ProviderType, host: string): ChatProvider {
  return createProviderFactories({ env: {} })[type]({
    id: type,
    name: null,
    type,
    host,
    defaultModel: null,
    systemPrompt: null,
  });
}

async function chunksOf(provider: ChatProvider, request: ProviderChatRequest): Promise<ProviderChunk[]> {
  const chunks: ProviderChunk[] = [];
  for await (const chunk of provider.streamChat(request, new AbortController().signal)) chunks.push(chunk);
  return chunks;
}

const calls = (chunks: ProviderChunk[]) =>
  chunks.flatMap((chunk) => (chunk.type === 'tool_call' ? [chunk.call] : []));

/** A scripted model: the first request calls `list_directory`, the next one answers. */
const scripted =
  (first: ChatBehaviour) =>
  ({ index }: { index: number }): ChatBehaviour =>
    index === 0 ? first : { text: 'It holds a.txt.' };

const followUp = (call: {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}): ProviderMessage[] => [
  { role: 'user', content: 'What is in /tmp?' },
  { role: 'assistant', content: '', toolCalls: [call] },
  { role: 'tool', toolCallId: call.id, toolName: call.name, content: 'a.txt' },
];

describe('tool calls: Ollama', () => {
  it('streams a whole call with an id LightChat made, and sends the result back with tool_name', async () => {
    fake = await startFakeOllama({
      models: [{ name: 'qwen3', tools: true }],
      behaviour: scripted({ text: '', toolCalls: [{ name: 'list_directory', arguments: { path: '/tmp' } }] }),
    });
    const provider = adapter('ollama', fake.url);
    const first = await chunksOf(provider, {
      model: 'qwen3',
      messages: [{ role: 'user', content: 'What is in /tmp?' }],
      options: {},
      tools,
    });
    const [call] = calls(first);
    expect(call).toEqual({
      id: expect.stringMatching(/^call_\w+$/),
      name: 'list_directory',
      arguments: { path: '/tmp' },
    });
    expect(first.at(-1)).toMatchObject({ type: 'done' });
    const sent = fake.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent.tools).toEqual([
      {
        type: 'function',
        function: { name: 'list_directory', description: 'Lists a directory', parameters: LIST },
      },
    ]);

    const second = await chunksOf(provider, {
      model: 'qwen3',
      messages: followUp(call!),
      options: {},
      tools,
    });
    expect(
      second
        .filter((c) => c.type === 'token')
        .map((c) => (c as { text: string }).text)
        .join(''),
    ).toBe('It holds a.txt.');
    const messages = (fake.requests.at(-1)?.body as { messages: unknown[] } | undefined)?.messages;
    expect(messages?.slice(1)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'list_directory', arguments: { path: '/tmp' } } }],
      },
      { role: 'tool', content: 'a.txt', tool_name: 'list_directory' },
    ]);
  });

  it('offers no tools to a model whose /api/show capabilities lack tools', async () => {
    fake = await startFakeOllama({ models: ['llama2'] });
    const provider = adapter('ollama', fake.url);
    const chunks = await chunksOf(provider, {
      model: 'llama2',
      messages: [{ role: 'user', content: 'Hi' }],
      options: {},
      tools,
    });
    expect(chunks.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
    expect((fake.requests.at(-1)?.body as Record<string, unknown> | undefined)?.tools).toBeUndefined();
  });
});

describe('tool calls: OpenAI', () => {
  it('joins tool_calls fragments by index, parses the arguments once complete, and sends results with tool_call_id', async () => {
    const server = await startFakeOpenAI({
      behaviour: scripted({
        text: 'Let me look.',
        toolCalls: [
          { id: 'call_a', name: 'list_directory', arguments: { path: '/tmp' } },
          { id: 'call_b', name: 'list_directory', arguments: { path: '/var/log' } },
        ],
      }),
    });
    fake = server;
    const provider = adapter('openai', server.baseUrl);
    const first = await chunksOf(provider, {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is in /tmp?' }],
      options: {},
      tools,
    });
    expect(calls(first)).toEqual([
      { id: 'call_a', name: 'list_directory', arguments: { path: '/tmp' } },
      { id: 'call_b', name: 'list_directory', arguments: { path: '/var/log' } },
    ]);
    expect(first.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
    expect((server.requests.at(-1)?.body as Record<string, unknown> | undefined)?.tools).toEqual([
      {
        type: 'function',
        function: { name: 'list_directory', description: 'Lists a directory', parameters: LIST },
      },
    ]);

    const call = calls(first)[0]!;
    await chunksOf(provider, { model: 'gpt-4o-mini', messages: followUp(call), options: {}, tools });
    const messages = (server.requests.at(-1)?.body as { messages: unknown[] } | undefined)?.messages;
    expect(messages?.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_a',
            type: 'function',
            function: { name: 'list_directory', arguments: '{"path":"/tmp"}' },
          },
        ],
      },
      { role: 'tool', content: 'a.txt', tool_call_id: 'call_a' },
    ]);
  });

  it('a call whose arguments are not valid JSON arrives marked invalid, not as a crash', async () => {
    const server = await startFakeOpenAI({
      behaviour: {
        text: '',
        toolCalls: [{ id: 'call_x', name: 'list_directory', arguments: '{"path": "/tm' }],
      },
    });
    fake = server;
    const chunks = await chunksOf(adapter('openai', server.baseUrl), {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      options: {},
      tools,
    });
    expect(calls(chunks)).toEqual([
      { id: 'call_x', name: 'list_directory', arguments: {}, invalidArguments: '{"path": "/tm' },
    ]);
  });
});

describe('tool calls: Anthropic', () => {
  it('joins a tool_use block’s input_json_delta fragments, and sends calls and results back as tool_use / tool_result blocks', async () => {
    fake = await startFakeAnthropic({
      behaviour: scripted({
        text: 'Let me look.',
        toolCalls: [{ id: 'toolu_1', name: 'list_directory', arguments: { path: '/tmp' } }],
      }),
    });
    const provider = createProviderFactories({ env: {} }).anthropic({
      id: 'claude',
      name: null,
      type: 'anthropic',
      host: fake.url,
      apiKey: FAKE_ANTHROPIC_KEY,
      defaultModel: null,
      systemPrompt: null,
    });
    const first = await chunksOf(provider, {
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'What is in /tmp?' }],
      options: {},
      tools,
    });
    expect(calls(first)).toEqual([{ id: 'toolu_1', name: 'list_directory', arguments: { path: '/tmp' } }]);
    expect(first.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
    const sent = fake.requests.at(-1)?.body as Record<string, unknown> | undefined;
    expect(sent?.tools).toEqual([
      { name: 'list_directory', description: 'Lists a directory', input_schema: LIST },
    ]);

    await chunksOf(provider, {
      model: 'claude-haiku-4-5',
      messages: [
        { role: 'user', content: 'What is in /tmp?' },
        { role: 'assistant', content: 'Let me look.', toolCalls: calls(first) },
        { role: 'tool', toolCallId: 'toolu_1', toolName: 'list_directory', content: 'a.txt' },
      ],
      options: {},
      tools,
    });
    const messages = (fake.requests.at(-1)?.body as { messages: unknown[] } | undefined)?.messages;
    expect(messages?.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_1', name: 'list_directory', input: { path: '/tmp' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt' }] },
    ]);
  });
});
