import { afterEach, describe, expect, it } from 'vitest';
import { createLightChatClient } from '../../../src/client/index.js';
import type { ChatBehaviour, ChatRequestInfo } from '../../../src/demo/chat-behaviour.js';
import { TINY_MCP_SERVER } from '../../fixtures/mcp-servers.js';
import { waitFor } from '../../fixtures/wait-for.js';
import { postChat, readSse, type SseEvent, startWorld, summarise, type World } from './support.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const tinyServer = (extra: string[] = []) => [
  'mcp_servers:',
  '  tiny:',
  `    command: ${JSON.stringify(process.execPath)}`,
  `    args: ${JSON.stringify([TINY_MCP_SERVER])}`,
  ...extra,
];

/** A model that calls `echo` first, then answers with what the tool sent back. */
function echoModel(request: ChatRequestInfo): ChatBehaviour {
  const result = request.messages.findLast((message) => message.role === 'tool');
  if (!result) return { text: 'Calling.', toolCalls: [{ name: 'echo', arguments: { text: 'ping' } }] };
  return { text: ` The tool said: ${result.content}.` };
}

async function toolWorld(extra: string[] = [], history = false): Promise<World> {
  world = await startWorld({
    ollama: { models: [{ name: 'llama3.2', tools: true }], behaviour: echoModel },
    settingsLines: tinyServer(extra),
    history,
  });
  const current = world;
  await waitFor(() => current.core.tools.list()[0]?.status === 'ready', 'the tiny server is ready');
  return current;
}

const decide = (w: World, chatId: string, id: string, decision: string) =>
  fetch(`${w.url}/chats/${chatId}/tool-calls/${id}`, {
    method: 'POST',
    headers: { ...w.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ decision }),
  });

describe('tools over REST', () => {
  it('tool_call and tool_result events; approved by POST /chats/{chat_id}/tool-calls/{id}; the answer uses the result', async () => {
    const w = await toolWorld();
    let chatId = '';
    const decisions: Promise<Response>[] = [];
    const response = await postChat(w, { prompt: 'Echo ping', tools: 'auto' });
    const { events } = await readSse(response, (event: SseEvent) => {
      const data = event.data as Record<string, unknown>;
      if (event.event === 'start') chatId = String(data.chat_id);
      if (event.event === 'tool_call') decisions.push(decide(w, chatId, String(data.id), 'approve'));
    });
    const call = events.find((e) => e.event === 'tool_call')?.data as Record<string, unknown>;
    expect(call).toEqual({
      id: expect.any(String),
      server: 'tiny',
      name: 'echo',
      arguments: { text: 'ping' },
      needs_approval: true,
    });
    expect((await decisions[0])?.status).toBe(200);
    const result = events.find((e) => e.event === 'tool_result')?.data as Record<string, unknown>;
    expect(result).toEqual({ id: call.id, ok: true, content: 'ping', duration_ms: expect.any(Number) });
    const { text, terminal } = summarise(events);
    expect(text).toBe('Calling. The tool said: ping.');
    expect(terminal.map((e) => e.event)).toEqual(['done']);
    // Ollama got the result back in its own format.
    const sent = w.ollama.requests.filter((r) => r.path === '/api/chat').at(-1)?.body as {
      messages: unknown[];
    };
    expect(sent.messages.at(-1)).toEqual({ role: 'tool', content: 'ping', tool_name: 'echo' });
    const logs = (await w.core.logs.recent(50)).filter((entry) => entry.eventType === 'tool_call');
    expect(logs[0]?.details).toMatchObject({
      server: 'tiny',
      tool: 'echo',
      arguments: { text: 'ping' },
      outcome: 'ok',
    });
  });

  it('API requests get no tools unless they ask (tools defaults to "none")', async () => {
    const w = await toolWorld();
    const { events } = await readSse(await postChat(w, { prompt: 'Echo ping' }));
    expect(events.some((e) => e.event === 'tool_call')).toBe(false);
    const done = events.find((e) => e.event === 'done')?.data as Record<string, unknown>;
    expect(done.finish_reason).toBe('tool_calls');
    expect((w.ollama.requests.at(-1)?.body as Record<string, unknown> | undefined)?.tools).toBeUndefined();
  });

  it('answers 404 TOOL_CALL_NOT_FOUND for a call that does not wait, 422 for a bad decision', async () => {
    const w = await toolWorld();
    const missing = await decide(w, 'no-chat', 'no-call', 'approve');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error_code: string }).error_code).toBe('TOOL_CALL_NOT_FOUND');
    const bad = await decide(w, 'no-chat', 'no-call', 'maybe');
    expect(bad.status).toBe(422);
  });

  it('a tool in always_allow runs without asking', async () => {
    const w = await toolWorld(['    always_allow: [echo]']);
    const { events } = await readSse(await postChat(w, { prompt: 'Echo ping', tools: 'auto' }));
    const call = events.find((e) => e.event === 'tool_call')?.data as Record<string, unknown>;
    expect(call.needs_approval).toBe(false);
    expect(summarise(events).text).toBe('Calling. The tool said: ping.');
  });
});

describe('tools over tRPC', () => {
  it('chat.pendingApprovals lists the waiting call, chat.decideTool answers it, and the calls are stored with the answer', async () => {
    const w = await toolWorld([], true);
    const client = createLightChatClient({ url: w.url, token: w.token });
    const pending: unknown[][] = [];
    const watching = client.chat.pendingApprovals.subscribe(undefined, {
      onData: (list) => {
        pending.push(list);
        const first = list[0];
        if (first)
          void client.chat.decideTool.mutate({ chatId: first.chatId, id: first.id, decision: 'approve' });
      },
    });
    try {
      const started = await client.chat.start.mutate({
        prompt: 'Echo ping',
        conversationId: 'new',
        tools: 'auto',
      });
      const types: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const sub = client.chat.events.subscribe(
          { chatId: started.chatId },
          {
            onData: (event) => {
              types.push(event.type);
              if (event.type === 'done' || event.type === 'error') {
                sub.unsubscribe();
                resolve();
              }
            },
            onError: reject,
          },
        );
      });
      expect(types.filter((t) => t === 'toolCall' || t === 'toolResult' || t === 'done')).toEqual([
        'toolCall',
        'toolResult',
        'done',
      ]);
      expect(pending.some((list) => list.length === 1)).toBe(true);
      await waitFor(() => pending.at(-1)?.length === 0, 'the approval list is empty again');
      const stored = await w.core.conversations.get(started.conversationId!);
      const answer = stored.messages.at(-1)!;
      expect(answer.content).toBe('Calling. The tool said: ping.');
      expect(answer.toolCalls).toEqual([
        {
          id: expect.any(String),
          server: 'tiny',
          name: 'echo',
          arguments: { text: 'ping' },
          needsApproval: true,
          result: { ok: true, content: 'ping', durationMs: expect.any(Number) },
        },
      ]);
    } finally {
      watching.unsubscribe();
    }
  });
});
