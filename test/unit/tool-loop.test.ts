import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat.js';
import type { ToolCallOutcome, ToolCallRequest, ToolHost } from '../../src/domain/ports/tool-host.port.js';
import type { ProviderToolCall } from '../../src/domain/provider.js';
import { ChatService } from '../../src/domain/services/chat-service.js';
import { ProviderRegistry } from '../../src/domain/services/provider-registry.js';
import { DENIED_TEXT } from '../../src/domain/services/tool-round.js';
import { settingsSchema } from '../../src/domain/settings.js';
import type { ToolApproval } from '../../src/domain/tools/tool-approval.js';
import {
  type PendingApproval,
  TOOL_APPROVAL_TIMEOUT_MS,
  ToolApprovals,
} from '../../src/domain/tools/tool-approvals.js';
import { type FakeAttempt, fakeProvider, MemoryChatLog } from './support/fakes.js';

interface HostOptions {
  /** approval per tool name (default: ask). */
  rules?: Record<string, ToolApproval>;
  answer?: (request: ToolCallRequest) => Promise<ToolCallOutcome>;
}

function fakeToolHost(options: HostOptions = {}) {
  const calls: ToolCallRequest[] = [];
  const host: ToolHost = {
    list: () => [
      {
        server: 'files',
        status: 'ready',
        tools: ['list_directory', 'write_file', 'secret'].map((name) => ({
          name,
          description: `the ${name} tool`,
          inputSchema: { type: 'object' },
        })),
      },
    ],
    approval: (_server, tool) => options.rules?.[tool] ?? 'ask',
    async call(request) {
      calls.push(request);
      return options.answer ? options.answer(request) : { ok: true, content: `ran ${request.name}` };
    },
    async close() {},
  };
  return { host, calls };
}

function toolWorld(options: { attempts: FakeAttempt[]; maxRounds?: number } & HostOptions) {
  const provider = fakeProvider({ attempts: options.attempts });
  const registry = new ProviderRegistry({
    ollama: () => provider,
    openai: () => provider,
    anthropic: () => provider,
    gemini: () => provider,
  });
  registry.rebuild(
    settingsSchema.parse({ defaultProvider: 'fake', providers: [{ id: 'fake', type: 'ollama' }] }),
  );
  const log = new MemoryChatLog();
  const { host, calls } = fakeToolHost(options);
  const allowAlways = vi.fn(async (_server: string, _tool: string) => {});
  const approvals = new ToolApprovals({ allowAlways });
  const chat = new ChatService({
    providers: registry,
    log,
    tools: { host, approvals, settings: () => ({ maxRounds: options.maxRounds ?? 8, timeoutS: 60 }) },
  });
  return { provider, log, chat, approvals, calls, allowAlways };
}

const call = (name: string, args: Record<string, unknown> = {}, id = `id-${name}`): ProviderToolCall => ({
  id,
  name,
  arguments: args,
});

async function run(
  world: ReturnType<typeof toolWorld>,
  extra: Record<string, unknown> = { tools: 'auto' },
  onEvent?: (event: ChatEvent, stop: AbortController) => void,
) {
  const stop = new AbortController();
  const prepared = await world.chat.prepare({ messages: [{ role: 'user', content: 'List it' }], ...extra });
  const events: ChatEvent[] = [];
  for await (const event of world.chat.stream({ ...prepared, chatId: 'chat-1' }, stop.signal)) {
    events.push(event);
    onEvent?.(event, stop);
  }
  return events;
}

/** Answers every call as soon as it waits (the event comes before the wait begins). */
function answerWith(world: ReturnType<typeof toolWorld>, decision: 'approve' | 'deny' | 'always') {
  const seen: PendingApproval[][] = [];
  world.approvals.onChange((pending) => {
    seen.push(pending);
    const first = pending[0];
    if (first) void world.approvals.decide(first.chatId, first.id, decision);
  });
  return seen;
}

const ofType = <T extends ChatEvent['type']>(events: ChatEvent[], type: T) =>
  events.filter((event): event is Extract<ChatEvent, { type: T }> => event.type === type);
const finish = (events: ChatEvent[]) => ofType(events, 'done')[0]?.finishReason;

afterEach(() => {
  vi.useRealTimers();
});

describe('the tool loop', () => {
  it('a chat that offered no tools (API default "none") ends with finish_reason tool_calls and runs nothing', async () => {
    const world = toolWorld({
      attempts: [{ tokens: ['Let me look.'], toolCalls: [call('list_directory')] }],
      rules: { list_directory: 'run' },
    });
    const events = await run(world, {});
    expect(finish(events)).toBe('tool_calls');
    expect(ofType(events, 'token').map((e) => e.text)).toEqual(['Let me look.']);
    expect(world.calls).toEqual([]);
    expect(world.provider.requests[0]?.tools).toBeUndefined();
  });

  it("pass-through (the gateway): the client's tools go to the provider, its calls come back as events, nothing runs", async () => {
    const world = toolWorld({
      attempts: [{ tokens: ['Let me look.'], toolCalls: [call('get_weather', { city: 'Paris' }, 'c1')] }],
      rules: { list_directory: 'run' },
    });
    const tools = [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object' } }];
    const prepared = world.chat.preparePassThrough({
      providerId: 'fake',
      modelId: 'm',
      messages: [{ role: 'user', content: 'Weather?' }],
      options: {},
      tools,
      toolChoice: 'required',
    });
    const events: ChatEvent[] = [];
    for await (const event of world.chat.stream(prepared, new AbortController().signal)) events.push(event);
    expect(world.provider.requests).toHaveLength(1);
    expect(world.provider.requests[0]).toMatchObject({ tools, toolChoice: 'required' });
    expect(ofType(events, 'toolCall')).toEqual([
      {
        type: 'toolCall',
        id: 'c1',
        server: '',
        name: 'get_weather',
        arguments: { city: 'Paris' },
        needsApproval: false,
      },
    ]);
    expect(finish(events)).toBe('tool_calls');
    expect(world.calls).toEqual([]);
    expect(world.approvals.pending()).toEqual([]);
    expect(world.log.entries).toEqual([]);
  });

  it('runs a call allowed in advance and sends the result back in a second request', async () => {
    const world = toolWorld({
      attempts: [
        { tokens: ['Looking.'], toolCalls: [call('list_directory', { path: '/tmp' })] },
        { tokens: [' It holds a.txt.'] },
      ],
      rules: { list_directory: 'run' },
    });
    const events = await run(world);
    expect(ofType(events, 'toolCall')).toEqual([
      {
        type: 'toolCall',
        id: 'id-list_directory',
        server: 'files',
        name: 'list_directory',
        arguments: { path: '/tmp' },
        needsApproval: false,
      },
    ]);
    expect(ofType(events, 'toolResult')[0]).toMatchObject({
      id: 'id-list_directory',
      ok: true,
      content: 'ran list_directory',
    });
    expect(world.calls[0]).toMatchObject({
      server: 'files',
      name: 'list_directory',
      arguments: { path: '/tmp' },
      timeoutMs: 60_000,
    });
    expect(world.provider.requests[0]?.tools?.map((tool) => tool.name)).toEqual([
      'list_directory',
      'write_file',
      'secret',
    ]);
    expect(world.provider.requests[1]?.messages.slice(-2)).toEqual([
      { role: 'assistant', content: 'Looking.', toolCalls: [call('list_directory', { path: '/tmp' })] },
      {
        role: 'tool',
        toolCallId: 'id-list_directory',
        toolName: 'list_directory',
        content: 'ran list_directory',
      },
    ]);
    expect(finish(events)).toBe('stop');
    expect(
      ofType(events, 'token')
        .map((e) => e.text)
        .join(''),
    ).toBe('Looking. It holds a.txt.');
    const logged = world.log.entries.find((entry) => entry.eventType === 'tool_call');
    expect(logged?.details).toMatchObject({
      server: 'files',
      tool: 'list_directory',
      arguments: { path: '/tmp' },
      outcome: 'ok',
    });
  });

  it('asks the user, and runs the call once it is approved', async () => {
    const world = toolWorld({
      attempts: [{ toolCalls: [call('write_file', { path: 'a' })] }, { tokens: ['Done.'] }],
    });
    const seen = answerWith(world, 'approve');
    const events = await run(world);
    expect(seen[0]).toMatchObject([
      { chatId: 'chat-1', id: 'id-write_file', server: 'files', name: 'write_file' },
    ]);
    expect(ofType(events, 'toolCall')[0]?.needsApproval).toBe(true);
    expect(world.calls.map((c) => c.name)).toEqual(['write_file']);
    expect(finish(events)).toBe('stop');
    expect(world.approvals.pending()).toEqual([]);
  });

  it('a denied call is not run and the model is told "The user denied this tool call."', async () => {
    const world = toolWorld({ attempts: [{ toolCalls: [call('write_file')] }, { tokens: ['OK.'] }] });
    answerWith(world, 'deny');
    const events = await run(world);
    expect(world.calls).toEqual([]);
    expect(ofType(events, 'toolResult')[0]).toMatchObject({ ok: false, content: DENIED_TEXT });
    expect(world.provider.requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: DENIED_TEXT });
    expect(world.log.entries.find((e) => e.eventType === 'tool_call')?.details).toMatchObject({
      outcome: 'denied',
    });
  });

  it('"always" writes the tool to always_allow and runs the call', async () => {
    const world = toolWorld({ attempts: [{ toolCalls: [call('write_file')] }, { tokens: ['OK.'] }] });
    answerWith(world, 'always');
    await run(world);
    expect(world.allowAlways).toHaveBeenCalledWith('files', 'write_file');
    expect(world.calls.map((c) => c.name)).toEqual(['write_file']);
  });

  it('a call nobody answers for 10 minutes is denied', async () => {
    vi.useFakeTimers();
    const world = toolWorld({ attempts: [{ toolCalls: [call('write_file')] }, { tokens: ['OK.'] }] });
    // Once the call waits (its timer is set), ten minutes pass.
    world.approvals.onChange((pending) => {
      if (pending.length > 0) void vi.advanceTimersByTimeAsync(TOOL_APPROVAL_TIMEOUT_MS);
    });
    const done = await run(world);
    expect(world.calls).toEqual([]);
    expect(ofType(done, 'toolResult')[0]?.content).toContain(DENIED_TEXT);
    expect(finish(done)).toBe('stop');
  });

  it('stopping the chat while a call waits ends it as stopped, with nothing run and nothing left waiting', async () => {
    const world = toolWorld({ attempts: [{ toolCalls: [call('write_file')] }, { tokens: ['never'] }] });
    const events = await run(world, undefined, (event, stop) => {
      if (event.type === 'toolCall') stop.abort();
    });
    expect(finish(events)).toBe('stopped');
    expect(world.calls).toEqual([]);
    expect(world.approvals.pending()).toEqual([]);
    expect(world.provider.requests).toHaveLength(1);
  });

  it('stopping the chat while a call runs cancels the call (its signal aborts)', async () => {
    let seen: AbortSignal | undefined;
    const world = toolWorld({
      attempts: [{ toolCalls: [call('list_directory')] }, { tokens: ['never'] }],
      rules: { list_directory: 'run' },
      answer: (request) =>
        new Promise((resolve) => {
          seen = request.signal;
          request.signal.addEventListener('abort', () => resolve({ ok: false, content: 'cancelled' }));
        }),
    });
    const events = await run(world, undefined, (event, stop) => {
      if (event.type === 'toolCall') setTimeout(() => stop.abort(), 0);
    });
    expect(seen?.aborted).toBe(true);
    expect(finish(events)).toBe('stopped');
    expect(world.provider.requests).toHaveLength(1);
  });

  it('a call to an unknown tool, or with arguments that are not JSON, goes back to the model as an error', async () => {
    const world = toolWorld({
      attempts: [
        {
          toolCalls: [
            call('rm_rf'),
            { id: 'bad', name: 'list_directory', arguments: {}, invalidArguments: '{"path": "/tm' },
          ],
        },
        { tokens: ['Sorry.'] },
      ],
      rules: { list_directory: 'run' },
    });
    const events = await run(world);
    const results = ofType(events, 'toolResult');
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    expect(results[0]?.content).toContain('There is no tool named "rm_rf"');
    expect(results[1]?.content).toContain('not a JSON object');
    expect(world.calls).toEqual([]);
    expect(finish(events)).toBe('stop');
  });

  it('a model that keeps calling stops after tools.max_rounds rounds with finish_reason tool_rounds', async () => {
    const world = toolWorld({
      attempts: [{ tokens: ['again '], toolCalls: [call('list_directory')] }],
      rules: { list_directory: 'run' },
      maxRounds: 3,
    });
    const events = await run(world);
    expect(finish(events)).toBe('tool_rounds');
    expect(world.calls).toHaveLength(3);
    expect(world.provider.requests).toHaveLength(4);
  });

  it('never_allow keeps a tool from the model, and a call to it anyway is refused', async () => {
    const world = toolWorld({
      attempts: [{ toolCalls: [call('secret')] }, { tokens: ['OK'] }],
      rules: { secret: 'never' },
    });
    const events = await run(world);
    expect(world.provider.requests[0]?.tools?.map((tool) => tool.name)).not.toContain('secret');
    expect(ofType(events, 'toolResult')[0]?.ok).toBe(false);
    expect(world.calls).toEqual([]);
  });
});
