import type { ChatBehaviour, ChatRequestInfo } from './chat-behaviour.js';
import { demoToolStep } from './demo-tools.js';

/** The demo streams at a pace people can watch, like a small local model. */
const DEMO_TOKENS_PER_SECOND = 60;

const THINKING = 'The user is trying the demo. I will say what LightChat is and how to connect a real model.';

const FENCE = '```';

const ANSWER = `## Hello from LightChat

This answer comes from the **built-in demo model**: no LLM is involved. LightChat streams it from a tiny fake Ollama server on your machine, so you can try the app first.

What to try:

- Watch Markdown, tables and code stream in
- Stop an answer with the **Stop** button
- Open the settings and add a provider
- Add an MCP server in **Settings → Tools**, then ask “list files”: the demo model calls its tools, and nothing runs until you approve

| Provider | How to connect |
|---|---|
| Ollama | install it, then \`ollama pull llama3.2\` |
| OpenAI | set \`OPENAI_API_KEY\` |

Every feature is also a local API:

${FENCE}ts
const res = await fetch('http://127.0.0.1:8000/chat', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ prompt: 'Hello!' }),
});
${FENCE}

To chat with a real model, start Ollama (\`ollama serve\`) and run \`npm run serve\`.
`;

/**
 * The default answer of `lightchat serve --demo`: a short Markdown tour of LightChat — or, offered
 * server-filesystem's tools and asked to list files, a tool call (`demo-tools.ts`).
 */
export function demoBehaviour(request: ChatRequestInfo): ChatBehaviour {
  const toolStep = demoToolStep(request);
  if (toolStep) return toolStep;
  const system = request.messages.find((message) => message.role === 'system')?.content.trim();
  const echo = system ? `_Your system prompt is applied: “${shorten(system, 80)}”_\n\n` : '';
  return { text: echo + ANSWER, thinking: THINKING, tokensPerSecond: DEMO_TOKENS_PER_SECOND };
}

function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
