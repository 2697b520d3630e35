import { describe, expect, it } from 'vitest';
import { readOllamaLines } from '../../src/adapters/providers/ollama-fetch.js';
import { sseReads } from '../../src/adapters/providers/sse-reads.js';
import { AppError } from '../../src/domain/errors.js';
import { CLEANUP_ABORT } from '../../src/shared/cleanup-abort.js';

/** A provider's answer body that is not closed yet (the adapter leaves on the answer's last line), noting its cancel. */
function openBody(text: string) {
  const cancelled: unknown[] = [];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
    },
    cancel(reason) {
      cancelled.push(reason);
    },
  });
  return { stream, cancelled };
}

const streamError = () => new AppError('PROVIDER_ERROR', 'bad line');

describe('an adapter leaving a provider body lets go of it with the shared clean-up reason', () => {
  it('Ollama NDJSON, left on its done line', async () => {
    const { stream, cancelled } = openBody('{"message":{"content":"a"}}\n{"done":true}\n');
    const seen: unknown[] = [];
    for await (const lines of readOllamaLines(stream, streamError)) {
      seen.push(...lines);
      if (lines.some((line) => line.done)) break;
    }
    expect(seen).toHaveLength(2);
    // No reason: the fetch behind the body builds an AbortError (a DOMException) for each chat.
    expect(cancelled).toEqual([CLEANUP_ABORT]);
  });

  it('SSE (OpenAI-compatible, Anthropic), left on [DONE]', async () => {
    const { stream, cancelled } = openBody('data: {"a":1}\n\ndata: [DONE]\n\n');
    const payloads: string[] = [];
    for await (const read of sseReads(stream)) {
      payloads.push(...read.payloads);
      if (read.payloads.includes('[DONE]')) break;
    }
    expect(payloads).toEqual(['{"a":1}', '[DONE]']);
    expect(cancelled).toEqual([CLEANUP_ABORT]);
  });
});
