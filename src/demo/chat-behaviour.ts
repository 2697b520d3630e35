import { tokenize } from './tokenize.js';

/** One message of the conversation a fake provider received (content flattened to text). */
export interface ChatMessage {
  role: string;
  content: string;
}

/** What a fake provider knows about a chat request when it decides how to answer. */
export interface ChatRequestInfo {
  model: string;
  messages: ChatMessage[];
  /** The request body as sent (JSON). */
  body: Record<string, unknown>;
  /** 0-based index of this chat request on this server. */
  index: number;
}

/** How a fake model answers one chat request. */
export interface ChatBehaviour {
  /** The answer; streamed as `tokenize(text)` unless `tokens` is given. */
  text?: string;
  /** The exact tokens to stream (wins over `text`). */
  tokens?: string[];
  /** Reasoning streamed before the answer (Ollama: only when the request asks for `think`). */
  thinking?: string;
  /** Pace of the stream; 0 or undefined: as fast as the socket takes it. */
  tokensPerSecond?: number;
  /** Silence before the first token, headers included (a model loading). */
  delayFirstMs?: number;
  /**
   * Put the wall-clock emit time (`performance.timeOrigin + performance.now()`, ms) of every streamed
   * chunk in a top-level `lc_emit_ms` field, for the benchmark; the text itself is unchanged.
   */
  stampEmitTime?: boolean;
  /**
   * Tool calls the model makes after its text (the request should offer tools). `arguments` as a
   * string is sent as it is (OpenAI's wire carries a JSON text; a broken one tests invalid JSON).
   */
  toolCalls?: FakeToolCall[];
}

export interface FakeToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
  /** OpenAI's call id (default: made up); Ollama sends none. */
  id?: string;
}

/** A fixed behaviour, or one chosen per request. */
export type BehaviourSource = ChatBehaviour | ((request: ChatRequestInfo) => ChatBehaviour);

export function chooseBehaviour(source: BehaviourSource, request: ChatRequestInfo): ChatBehaviour {
  return typeof source === 'function' ? source(request) : source;
}

export function answerTokens(behaviour: ChatBehaviour): string[] {
  return behaviour.tokens ?? tokenize(behaviour.text ?? '');
}

export function thinkingTokens(behaviour: ChatBehaviour): string[] {
  return behaviour.thinking ? tokenize(behaviour.thinking) : [];
}

/** A rough prompt token count, for the usage figures fakes report. */
export function countPromptTokens(messages: ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + tokenize(message.content).length, 0);
}

/** The wall-clock time in ms with sub-ms precision (comparable across processes on one machine). */
export function emitTimeMs(): number {
  return performance.timeOrigin + performance.now();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `messages` leniently: string content, or OpenAI-style content parts (their text joined). */
export function readMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((message) => ({
    role: typeof message.role === 'string' ? message.role : 'user',
    content: flattenContent(message.content),
  }));
}

function flattenContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isRecord)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
}
