import { describe, expect, it } from 'vitest';
import type { ChatRequestInfo } from '../../src/demo/chat-behaviour.js';
import { demoBehaviour } from '../../src/demo/demo-answer.js';

/** server-filesystem's tools, as LightChat offers them to an Ollama model. */
const FILESYSTEM_TOOLS = ['list_allowed_directories', 'list_directory', 'read_text_file'].map((name) => ({
  type: 'function',
  function: { name, description: name, parameters: { type: 'object' } },
}));

function request(messages: Record<string, unknown>[], tools: unknown[] = FILESYSTEM_TOOLS): ChatRequestInfo {
  return {
    model: 'demo',
    messages: messages.map((message) => ({ role: String(message.role), content: String(message.content) })),
    body: { model: 'demo', messages, ...(tools.length ? { tools } : {}) },
    index: 0,
  };
}

const ask = { role: 'user', content: 'Please list the files you can see' };

describe('the demo model uses tools (no LLM needed)', () => {
  it('asked to list files with server-filesystem offered, it asks for the allowed folders, lists the first, then answers from the result', () => {
    const first = demoBehaviour(request([ask]));
    expect(first.toolCalls).toEqual([{ name: 'list_allowed_directories', arguments: {} }]);

    const second = demoBehaviour(
      request([
        ask,
        { role: 'assistant', content: '', tool_calls: [{ function: { name: 'list_allowed_directories' } }] },
        {
          role: 'tool',
          tool_name: 'list_allowed_directories',
          content: 'Allowed directories:\n/tmp/demo-files',
        },
      ]),
    );
    expect(second.toolCalls).toEqual([{ name: 'list_directory', arguments: { path: '/tmp/demo-files' } }]);

    const third = demoBehaviour(
      request([
        ask,
        {
          role: 'tool',
          tool_name: 'list_allowed_directories',
          content: 'Allowed directories:\n/tmp/demo-files',
        },
        { role: 'tool', tool_name: 'list_directory', content: '[FILE] notes.txt\n[DIR] photos' },
      ]),
    );
    expect(third.toolCalls).toBeUndefined();
    expect(third.text).toContain('[FILE] notes.txt');
  });

  it('says so when the user denied the call', () => {
    const denied = demoBehaviour(
      request([
        ask,
        { role: 'tool', tool_name: 'list_allowed_directories', content: 'The user denied this tool call.' },
      ]),
    );
    expect(denied.text).toContain('You denied the tool call');
  });

  it('uses the name the model sees when two servers have the tool (server__tool)', () => {
    const tools = FILESYSTEM_TOOLS.map((tool) => ({
      ...tool,
      function: { ...tool.function, name: `files__${tool.function.name}` },
    }));
    expect(demoBehaviour(request([ask], tools)).toolCalls).toEqual([
      { name: 'files__list_allowed_directories', arguments: {} },
    ]);
  });

  it('gives its usual answer without tools, or for another question', () => {
    expect(demoBehaviour(request([ask], [])).toolCalls).toBeUndefined();
    expect(demoBehaviour(request([{ role: 'user', content: 'Hello' }])).text).toContain(
      'Hello from LightChat',
    );
  });
});
