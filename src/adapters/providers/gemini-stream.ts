import type { GenerateContentResponse } from '@google/genai';
import type { AppError } from '../../domain/errors.js';
import { type ProviderChunk, readToolArguments } from '../../domain/provider.js';
import { ReadJoiner } from './read-joiner.js';
import { sseReads } from './sse-reads.js';

/**
 * Reads a `streamGenerateContent?alt=sse` body as the API sends it. The adapter reads the bytes
 * itself (the SDK sends the request): the SDK parses and converts every event into a class of its
 * own, one await each, and cannot say what one network read held; here a burst is one pass, its
 * texts joined per kind, and a cut body, a malformed event and an error object are told apart.
 */

/** What LightChat reads of one event (the API's JSON: the SDK's names, without its classes). */
export type GeminiChunk = Pick<GenerateContentResponse, 'candidates' | 'promptFeedback' | 'usageMetadata'> & {
  /** An error object inside a 200 stream. */
  error?: { code?: number; message?: string; status?: string };
};

export type GeminiStreamProblem =
  | { kind: 'malformed'; data: string }
  /** Events of another API (an OpenAI-compatible server at this host). */
  | { kind: 'foreign'; data: string }
  /** `began`: text or thinking had come before it. */
  | { kind: 'error'; error: NonNullable<GeminiChunk['error']>; began: boolean };

export async function* readGenerateStream(
  body: ReadableStream<Uint8Array>,
  streamError: (problem: GeminiStreamProblem) => AppError,
): AsyncGenerator<ProviderChunk> {
  const answer = new AnswerReader();
  const read = new ReadJoiner();
  for await (const { payloads: batch, done } of sseReads(body)) {
    for (const [index, data] of batch.entries()) {
      const chunk = parseChunk(data);
      if (chunk === undefined) {
        if (done && index === batch.length - 1) break; // cut inside its last event: a cut stream
        yield* read.take(); // the text before it is kept
        throw streamError({ kind: 'malformed', data });
      }
      if (chunk.error) {
        yield* read.take();
        throw streamError({ kind: 'error', error: chunk.error, began: answer.began });
      }
      // Every event of the API has candidates, prompt feedback or usage; another API's have none.
      if (!answer.began && !chunk.candidates && !chunk.promptFeedback && !chunk.usageMetadata) {
        throw streamError({ kind: 'foreign', data });
      }
      for (const piece of answer.read(chunk)) {
        if (piece.type === 'token' || piece.type === 'thinking') read.add(piece.type, piece.text);
        else {
          yield* read.take(); // in order: a signature comes with its part
          yield piece;
        }
      }
    }
    yield* read.take();
    if (done) {
      const end = answer.done();
      if (end) yield end;
      return;
    }
  }
}

function parseChunk(data: string): GeminiChunk | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as GeminiChunk)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Made by LightChat when the API gives a call no id (it usually does not): never sent back to it. */
export const MADE_CALL_ID_PREFIX = 'lc_gemini_';
const madeCallId = (): string =>
  `${MADE_CALL_ID_PREFIX}${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;

/** `finishReason` in LightChat's words (CONTRACT section 14); unknown reasons pass through lowercased. */
const FINISH_REASONS: Record<string, string> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  BLOCKLIST: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
};

/** The state of one answer: whether it called a function, the finish reason and the last usage. */
export class AnswerReader {
  began = false;
  private finishReason: string | null = null;
  private calledFunction = false;
  private usage: { promptTokens?: number; completionTokens?: number } | undefined;

  *read(response: GeminiChunk): Generator<ProviderChunk> {
    this.began = true;
    const candidate = response.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall) {
        // A call arrives whole; its signature belongs to it and goes back on its part.
        this.calledFunction = true;
        const { id, name, args } = part.functionCall;
        yield {
          type: 'tool_call',
          call: {
            id: id || madeCallId(),
            name: name ?? '',
            ...readToolArguments(args),
            ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}),
          },
        };
        continue;
      }
      // Never shown: kept with the answer, for the next turn to send back on its part.
      if (part.thoughtSignature) yield { type: 'signature', signature: part.thoughtSignature };
      if (typeof part.text === 'string' && part.text) {
        yield { type: part.thought ? 'thinking' : 'token', text: part.text };
      }
    }
    if (candidate?.finishReason) {
      this.finishReason = FINISH_REASONS[candidate.finishReason] ?? candidate.finishReason.toLowerCase();
    } else if (response.promptFeedback?.blockReason) {
      this.finishReason = 'content_filter'; // the question itself was blocked: no candidates at all
    }
    // Every chunk carries a running total: the last one counts.
    const meta = response.usageMetadata;
    if (meta) {
      const completion =
        meta.totalTokenCount !== undefined && meta.promptTokenCount !== undefined
          ? meta.totalTokenCount - meta.promptTokenCount
          : (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
      this.usage = {
        ...(meta.promptTokenCount === undefined ? {} : { promptTokens: meta.promptTokenCount }),
        completionTokens: completion,
      };
    }
  }

  /** Without a finish reason the stream was cut: no done. */
  done(): ProviderChunk | undefined {
    if (this.finishReason === null) return undefined;
    const finishReason =
      this.finishReason === 'stop' && this.calledFunction ? 'tool_calls' : this.finishReason;
    return { type: 'done', finishReason, ...(this.usage ? { usage: this.usage } : {}) };
  }
}
