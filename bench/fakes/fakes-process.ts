// The fake providers in a process of their own, as a real Ollama, OpenAI, Anthropic or Gemini server would be: the
// bench's clients and LightChat do not share their CPU time with them. Started by bench/fakes/fakes.ts.
import type { ServerResponse } from 'node:http';
import type { ChatBehaviour, ChatRequestInfo } from '../../src/demo/chat-behaviour.js';
import { startFakeOllama } from '../../src/demo/fake-ollama.js';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI } from '../../test/fixtures/index.js';
import { answerTokens, specOf } from '../lib/answers.js';
import {
  BENCH_ANTHROPIC_KEY,
  BENCH_GEMINI_KEY,
  BENCH_MODEL,
  type Emit,
  type FakesReply,
  type FakesRequest,
} from './messages.js';

/** Raw NDJSON written per tapped chat, parsed only when asked for (the fake stays cheap while it runs). */
const taps = new Map<string, string[]>();

function lastUserText(request: ChatRequestInfo): string {
  const users = request.messages.filter((message) => message.role === 'user');
  return users.at(-1)?.content ?? '';
}

/** Row 14a: `tool-round …` calls server-everything's `echo` once, then answers; `tool-reference …` answers at once. */
const TOOL_ROUND = /^tool-(round|reference) /;

function behaviour(request: ChatRequestInfo): ChatBehaviour {
  const last = lastUserText(request);
  const tool = TOOL_ROUND.exec(last);
  if (tool) {
    const called = request.messages.some((message) => message.role === 'tool');
    if (tool[1] === 'round' && !called)
      return { text: '', toolCalls: [{ name: 'echo', arguments: { message: 'bench' } }] };
    return { text: 'Done.' };
  }
  const spec = specOf(last);
  if (!spec) return { text: 'Hello from the bench fake.' };
  return { tokens: answerTokens(spec), tokensPerSecond: spec.rate, stampEmitTime: spec.stamp };
}

/**
 * Records what the fake Ollama writes for stamped chats, so that tokens relayed by LightChat (which
 * drops `lc_emit_ms`) can be matched to the moment the fake emitted them.
 */
function tap(request: ChatRequestInfo, res: ServerResponse): undefined {
  const spec = specOf(lastUserText(request));
  if (!spec?.stamp || spec.id === '') return undefined;
  const written: string[] = [];
  taps.set(spec.id, written);
  const write = res.write;
  res.write = function tapped(this: ServerResponse, ...args: Parameters<typeof write>) {
    if (typeof args[0] === 'string') written.push(args[0]);
    return write.apply(this, args);
  } as typeof write;
  return undefined;
}

function emitsOf(chatId: string): Emit[] {
  const emits: Emit[] = [];
  for (const chunk of taps.get(chatId) ?? []) {
    for (const line of chunk.split('\n')) {
      if (line === '') continue;
      const value = JSON.parse(line) as {
        message?: { content?: string };
        lc_emit_ms?: number;
        done?: boolean;
      };
      if (value.done === false && value.message?.content && value.lc_emit_ms !== undefined) {
        emits.push([value.message.content, value.lc_emit_ms]);
      }
    }
  }
  return emits;
}

const ollama = await startFakeOllama({
  includeDemoModel: false,
  // `tools`: LightChat offers tools to the model only when /api/show says it takes them (row 14a).
  models: [{ name: BENCH_MODEL, tools: true }],
  behaviour,
  beforeChat: (request, exchange) => tap(request, exchange.res),
});
const openai = await startFakeOpenAI({ models: [BENCH_MODEL], behaviour });
const anthropic = await startFakeAnthropic({
  models: [{ id: BENCH_MODEL }],
  behaviour,
  apiKey: BENCH_ANTHROPIC_KEY,
});
const gemini = await startFakeGemini({ models: [{ id: BENCH_MODEL }], behaviour, apiKey: BENCH_GEMINI_KEY });

process.on('message', (message: FakesRequest) => {
  let reply: FakesReply | undefined;
  if (message.type === 'emits') reply = { id: message.id, type: 'emits', emits: emitsOf(message.chatId) };
  else if (message.type === 'stats')
    reply = { id: message.id, type: 'stats', ollama: { ...ollama.stats }, openai: { ...openai.stats } };
  else if (message.type === 'forget') {
    taps.clear();
    reply = { id: message.id, type: 'stats', ollama: { ...ollama.stats }, openai: { ...openai.stats } };
  }
  if (reply) process.send?.(reply);
});

const stop = async () => {
  await Promise.all([ollama.close(), openai.close(), anthropic.close(), gemini.close()]);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('disconnect', () => void stop());
process.send?.({
  type: 'ready',
  ollamaUrl: ollama.url,
  openaiBaseUrl: openai.baseUrl,
  anthropicUrl: anthropic.url,
  geminiUrl: gemini.url,
});
