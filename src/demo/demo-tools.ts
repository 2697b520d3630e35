import { type ChatBehaviour, type ChatRequestInfo, isRecord } from './chat-behaviour.js';

/**
 * The demo model's tool use, so that tools can be seen without an LLM: offered tools and asked to
 * "list files", it calls server-filesystem's tools the way a real Ollama model does (whole calls in
 * Ollama's wire format) — `list_allowed_directories`, then `list_directory` on the first one — and
 * answers from the result. Anything else, or no such tool offered, is left to the usual answer.
 */

const ASKS_FOR_FILES = /\b(list|show)\b.*\b(files?|folders?|director(y|ies))\b/i;

/** The tools the request offers, by the name the model sees (`files__list_directory` when names clash). */
function offeredTools(body: Record<string, unknown>): string[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((tool) => {
    const fn = isRecord(tool) && isRecord(tool.function) ? tool.function : undefined;
    return typeof fn?.name === 'string' ? [fn.name] : [];
  });
}

const named = (tools: string[], name: string): string | undefined =>
  tools.find((tool) => tool === name || tool.endsWith(`__${name}`));

interface WireMessage {
  role: string;
  content: string;
  toolName?: string;
}

function wireMessages(body: Record<string, unknown>): WireMessage[] {
  if (!Array.isArray(body.messages)) return [];
  return body.messages.filter(isRecord).map((message) => ({
    role: String(message.role ?? ''),
    content: typeof message.content === 'string' ? message.content : '',
    ...(typeof message.tool_name === 'string' ? { toolName: message.tool_name } : {}),
  }));
}

const FENCE = '```';

export function demoToolStep(request: ChatRequestInfo): ChatBehaviour | undefined {
  const tools = offeredTools(request.body);
  const listAllowed = named(tools, 'list_allowed_directories');
  const listDirectory = named(tools, 'list_directory');
  if (!listDirectory) return undefined;
  const messages = wireMessages(request.body);
  const lastUser = messages.findLastIndex((message) => message.role === 'user');
  if (lastUser < 0 || !ASKS_FOR_FILES.test(messages[lastUser]!.content)) return undefined;
  const results = messages.slice(lastUser + 1).filter((message) => message.role === 'tool');
  const last = results.at(-1);

  if (!last) {
    return listAllowed
      ? { text: 'Let me see which folders I may read.', toolCalls: [{ name: listAllowed, arguments: {} }] }
      : { text: 'Let me look.', toolCalls: [{ name: listDirectory, arguments: { path: '.' } }] };
  }
  if (/denied this tool call/.test(last.content)) {
    return { text: 'You denied the tool call, so I did not look. Ask again to allow it.' };
  }
  if (last.toolName === listAllowed) {
    // server-filesystem answers "Allowed directories:\n/first\n/second".
    const folder = last.content.split('\n').find((line) => /^(\/|[A-Za-z]:\\)/.test(line.trim()));
    if (!folder) return { text: `I could not find a folder to list. The tool said:\n\n${last.content}` };
    return {
      text: `I may read ${folder.trim()}. Listing it now.`,
      toolCalls: [{ name: listDirectory, arguments: { path: folder.trim() } }],
    };
  }
  return {
    text: `Here is what the tool found (this is the demo model reading a real MCP server's answer):\n\n${FENCE}\n${last.content}\n${FENCE}\n`,
  };
}
