import type { AppError } from '../../domain/errors.js';
import { type ProviderChunk, readToolArguments } from '../../domain/provider.js';
import type { OpenAIStreamProblem } from './openai-stream.js';
import { ReadJoiner } from './read-joiner.js';
import { sseReads } from './sse-reads.js';

/**
 * Reads an Anthropic Messages stream (`event:` + `data:` SSE) as the API really sends it. The
 * adapter reads the bytes itself, as the OpenAI adapter does, so that a cut stream (no
 * `message_stop`), a malformed event and an `event: error` after the answer began are told apart.
 */

/** `foreign`: well-formed events of another API (an OpenAI-compatible server at this host). */
export type AnthropicStreamProblem = OpenAIStreamProblem | { kind: 'foreign'; data: string };

/** What may come before `message_start`: a stream that opens with anything else is not the Messages API. */
const OPENING = new Set(['message_start', 'ping', 'error']);

/** `stop_reason` in LightChat's words (CONTRACT section 14); unknown reasons pass through. */
const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

type Usage = { promptTokens?: number; completionTokens?: number };

/**
 * The thinking, text and one `done` of a streamed answer. A stream that ends before
 * `message_stop` (and before any `stop_reason`) yields no `done`: the ChatService calls it cut.
 */
export async function* readMessageStream(
  body: ReadableStream<Uint8Array>,
  streamError: (problem: AnthropicStreamProblem) => AppError,
): AsyncGenerator<ProviderChunk> {
  const answer = new MessageReader();
  // What one network read held goes on as one chunk per kind: one pass per burst, not per token.
  const read = new ReadJoiner();
  for await (const { payloads: batch, done } of sseReads(body)) {
    for (const [index, data] of batch.entries()) {
      const event = parseEvent(data);
      if (event === undefined) {
        if (done && index === batch.length - 1) break; // cut inside its last event: a cut stream
        yield* read.take(); // the text before it is kept
        throw streamError({ kind: 'malformed', data });
      }
      if (!answer.began && !OPENING.has(String(event.type))) throw streamError({ kind: 'foreign', data });
      if (event.type === 'error') {
        yield* read.take();
        throw streamError({ kind: 'error', message: errorMessage(event.error) });
      }
      for (const chunk of answer.read(event)) {
        if (chunk.type === 'token' || chunk.type === 'thinking') read.add(chunk.type, chunk.text);
        else {
          yield* read.take(); // in order: a signature follows its thinking
          yield chunk;
        }
      }
      if (answer.stopped) {
        yield* read.take();
        yield answer.done();
        return;
      }
    }
    yield* read.take();
    if (done) {
      if (answer.finishReason !== null) yield answer.done();
      return;
    }
  }
}

interface MessageEvent {
  type?: unknown;
  message?: unknown;
  delta?: unknown;
  usage?: unknown;
  error?: unknown;
  index?: unknown;
  content_block?: unknown;
}

/** The state of one message: finish reason and usage seen so far. */
class MessageReader {
  finishReason: string | null = null;
  stopped = false;
  /** `message_start` arrived. */
  began = false;
  private usage: Usage = {};
  /** `tool_use` blocks by index, their `input_json_delta` fragments joined until the block stops. */
  private readonly toolBlocks = new Map<unknown, { id: string; name: string; json: string }>();

  *read(event: MessageEvent): Generator<ProviderChunk> {
    switch (event.type) {
      case 'message_start':
        this.began = true;
        if (isObject(event.message)) this.readUsage(event.message.usage);
        return;
      case 'content_block_delta': {
        const delta = isObject(event.delta) ? event.delta : {};
        if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text) {
          yield { type: 'token', text: delta.text };
        } else if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string' && delta.thinking) {
          yield { type: 'thinking', text: delta.thinking };
        } else if (
          delta.type === 'signature_delta' &&
          typeof delta.signature === 'string' &&
          delta.signature
        ) {
          // Never shown: kept with the answer, for the next turn to send back with its thinking.
          yield { type: 'signature', signature: delta.signature };
        } else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
          const block = this.toolBlocks.get(event.index);
          if (block) block.json += delta.partial_json;
        }
        return;
      }
      case 'content_block_start': {
        const block = isObject(event.content_block) ? event.content_block : {};
        if (block.type === 'tool_use') {
          this.toolBlocks.set(event.index, {
            id: typeof block.id === 'string' ? block.id : `toolu_${String(event.index)}`,
            name: typeof block.name === 'string' ? block.name : '',
            json: '',
          });
        }
        return;
      }
      case 'content_block_stop': {
        // A tool_use block is whole at its stop: its arguments are parsed only now.
        const block = this.toolBlocks.get(event.index);
        if (block) {
          this.toolBlocks.delete(event.index);
          yield {
            type: 'tool_call',
            call: { id: block.id, name: block.name, ...readToolArguments(block.json) },
          };
        }
        return;
      }
      case 'message_delta': {
        const delta = isObject(event.delta) ? event.delta : {};
        if (typeof delta.stop_reason === 'string' && delta.stop_reason) {
          this.finishReason = FINISH_REASONS[delta.stop_reason] ?? delta.stop_reason;
        }
        this.readUsage(event.usage);
        return;
      }
      case 'message_stop':
        this.stopped = true;
        return;
      default:
        // ping (redacted_thinking blocks show nowhere).
        return;
    }
  }

  done(): ProviderChunk {
    const usage = this.usage;
    return {
      type: 'done',
      finishReason: this.finishReason ?? 'stop',
      ...(usage.promptTokens !== undefined || usage.completionTokens !== undefined ? { usage } : {}),
    };
  }

  /** `output_tokens` is a running total; `input_tokens` comes with `message_start` (and, lately, again). */
  private readUsage(usage: unknown): void {
    if (!isObject(usage)) return;
    if (typeof usage.input_tokens === 'number') this.usage.promptTokens = usage.input_tokens;
    if (typeof usage.output_tokens === 'number') this.usage.completionTokens = usage.output_tokens;
  }
}

function parseEvent(data: string): MessageEvent | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function errorMessage(error: unknown): string {
  if (isObject(error) && typeof error.message === 'string' && error.message) return error.message;
  if (isObject(error) && typeof error.type === 'string') return error.type;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
