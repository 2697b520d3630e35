import type { AppError } from '../../domain/errors.js';
import { type ProviderChunk, readToolArguments } from '../../domain/provider.js';
import { ThinkTagSplitter } from '../../domain/think-tags.js';
import { sseReads } from './sse-reads.js';

/**
 * Reads a chat completion stream (SSE) as OpenAI-compatible servers really send it. The adapter
 * reads the bytes itself, not through the openai SDK, because the SDK hides what it needs: `[DONE]`
 * (a stream that never names a finish reason but ends with it is finished, not cut: Snowflake
 * Cortex) and `delta.content` arrays (Mistral). It also skips the SDK's per-event overhead.
 */

/** One `data:` payload, as far as LightChat reads it (everything is checked before use). */
interface CompletionChunk {
  choices?: unknown;
  usage?: unknown;
  /** Groq puts usage here, on the finish chunk. */
  x_groq?: { usage?: unknown };
  /** OpenRouter may send an error object on an HTTP 200 stream, even after the finish chunk. */
  error?: unknown;
}

type Usage = { promptTokens?: number; completionTokens?: number };

export type OpenAIStreamProblem = { kind: 'malformed'; data: string } | { kind: 'error'; message: string };

/**
 * The thinking, text and one `done` of a streamed answer; nothing more after `[DONE]`. A stream
 * that closes without `[DONE]` and without a finish reason yields no `done`: the ChatService calls
 * it cut. A payload that is not JSON, or an `error` payload, ends it with `streamError`.
 */
export async function* readCompletionStream(
  body: ReadableStream<Uint8Array>,
  streamError: (problem: OpenAIStreamProblem) => AppError,
): AsyncGenerator<ProviderChunk> {
  const answer = new AnswerReader();
  for await (const { payloads: batch, done } of sseReads(body)) {
    for (const [index, data] of batch.entries()) {
      if (data === '[DONE]') {
        yield* answer.end(true);
        return;
      }
      const chunk = parseChunk(data);
      if (chunk === undefined) {
        if (done && index === batch.length - 1) return; // cut inside its last event: a cut stream
        throw streamError({ kind: 'malformed', data });
      }
      if (chunk.error) throw streamError({ kind: 'error', message: errorMessage(chunk.error) });
      yield* answer.read(chunk);
    }
    if (done) {
      yield* answer.end(false);
      return;
    }
  }
}

/** The state of one answer: the `<think>` splitter, the finish reason and usage seen so far. */
class AnswerReader {
  private readonly splitter = new ThinkTagSplitter();
  private finishReason: string | null = null;
  private usage: Usage | undefined;
  /** A server that sends `reasoning` strings duplicates them in `reasoning_details` (OpenRouter). */
  private reasoningStrings = false;
  /** Tool calls by `index`, their arguments joined from fragments; parsed only once the answer ends. */
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();

  *read(chunk: CompletionChunk): Generator<ProviderChunk> {
    const usage = readUsage(chunk.usage) ?? readUsage(chunk.x_groq?.usage);
    if (usage) this.usage = usage;
    const choice: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isObject(choice)) return;
    const delta = isObject(choice.delta) ? choice.delta : {};
    const reasoning = nonEmpty(delta.reasoning_content) ?? nonEmpty(delta.reasoning);
    if (reasoning) {
      this.reasoningStrings = true;
      yield { type: 'thinking', text: reasoning };
    } else if (!this.reasoningStrings) {
      const details = reasoningDetailsText(delta.reasoning_details);
      if (details) yield { type: 'thinking', text: details };
    }
    const { content } = delta;
    if (typeof content === 'string') {
      // A plain loop: `yield*` over an array adds an async-from-sync wrapper's promise hops per part.
      if (content) for (const part of this.splitter.push(content)) yield part;
    } else if (Array.isArray(content)) {
      yield* this.contentParts(content);
    }
    if (Array.isArray(delta.tool_calls)) this.joinToolCalls(delta.tool_calls);
    if (typeof choice.finish_reason === 'string' && choice.finish_reason) {
      this.finishReason = choice.finish_reason;
    }
  }

  /** `[DONE]` came (`finished`), or the body ended: without either a finish reason, the stream was cut. */
  *end(finished: boolean): Generator<ProviderChunk> {
    if (!finished && this.finishReason === null) return;
    for (const part of this.splitter.end()) yield part;
    for (const [index, call] of [...this.calls].sort(([a], [b]) => a - b)) {
      yield {
        type: 'tool_call',
        call: { id: call.id || `call_${index}`, name: call.name, ...readToolArguments(call.arguments) },
      };
    }
    yield {
      type: 'done',
      finishReason: this.finishReason ?? 'stop',
      ...(this.usage ? { usage: this.usage } : {}),
    };
  }

  /**
   * `delta.tool_calls` fragments: the first of a call has its `id` and `function.name`, later ones
   * pieces of `function.arguments`. A server that sends no `index` (some compatible ones) sends whole
   * calls, one per array position.
   */
  private joinToolCalls(fragments: unknown[]): void {
    for (const [position, fragment] of fragments.entries()) {
      if (!isObject(fragment)) continue;
      const index = typeof fragment.index === 'number' ? fragment.index : this.calls.size + position;
      const call = this.calls.get(index) ?? { id: '', name: '', arguments: '' };
      const fn = isObject(fragment.function) ? fragment.function : {};
      if (typeof fragment.id === 'string' && fragment.id) call.id = fragment.id;
      // Some servers repeat the name in every fragment: the first one names the call.
      if (typeof fn.name === 'string' && call.name === '') call.name = fn.name;
      if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
      else if (isObject(fn.arguments)) call.arguments += JSON.stringify(fn.arguments);
      this.calls.set(index, call);
    }
  }

  /** Mistral: `[{"type":"thinking","thinking":[{"type":"text","text":…}]}]`, `[{"type":"text","text":…}]`. */
  private *contentParts(parts: unknown[]): Generator<ProviderChunk> {
    for (const part of parts) {
      if (!isObject(part)) continue;
      if (part.type === 'text' && typeof part.text === 'string' && part.text) {
        for (const piece of this.splitter.push(part.text)) yield piece;
      } else if (part.type === 'thinking') {
        const text = typeof part.thinking === 'string' ? part.thinking : textOfParts(part.thinking);
        if (text) yield { type: 'thinking', text };
      }
    }
  }
}

function parseChunk(data: string): CompletionChunk | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `reasoning.text` entries only: `reasoning.encrypted` and signatures are never shown. */
function reasoningDetailsText(details: unknown): string {
  if (!Array.isArray(details)) return '';
  let text = '';
  for (const detail of details) {
    if (isObject(detail) && detail.type === 'reasoning.text' && typeof detail.text === 'string') {
      text += detail.text;
    }
  }
  return text;
}

function textOfParts(parts: unknown): string {
  if (!Array.isArray(parts)) return '';
  let text = '';
  for (const part of parts) {
    if (isObject(part) && typeof part.text === 'string') text += part.text;
  }
  return text;
}

function readUsage(usage: unknown): Usage | undefined {
  if (!isObject(usage)) return undefined;
  const { prompt_tokens: prompt, completion_tokens: completion } = usage;
  if (typeof prompt !== 'number' && typeof completion !== 'number') return undefined;
  return {
    ...(typeof prompt === 'number' ? { promptTokens: prompt } : {}),
    ...(typeof completion === 'number' ? { completionTokens: completion } : {}),
  };
}

function errorMessage(error: unknown): string {
  if (isObject(error) && typeof error.message === 'string' && error.message) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value ? value : undefined;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
