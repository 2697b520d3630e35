import { createParser } from 'eventsource-parser';
import { CLEANUP_ABORT } from '../../shared/cleanup-abort.js';

/** The `data:` payloads of the whole events one network read completed; `done` on the last read. */
export interface SseRead {
  payloads: string[];
  done: boolean;
}

/**
 * An SSE body, one network read at a time: the adapters that read a provider's stream themselves
 * (OpenAI-compatible, Anthropic) handle each read's events as a batch, so a burst costs one pass.
 * At the end, a last event that lacks its closing blank line still counts (if it is whole). Leaving
 * early (stopped, failed) lets go of the body; the request itself is aborted by the adapter.
 */
export async function* sseReads(body: ReadableStream<Uint8Array>): AsyncGenerator<SseRead> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let payloads: string[] = [];
  const parser = createParser({ onEvent: (event) => payloads.push(event.data) });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      parser.feed(done ? `${decoder.decode()}\n\n` : decoder.decode(value, { stream: true }));
      const read = { payloads, done };
      payloads = [];
      yield read;
      if (done) return;
    }
  } finally {
    reader.cancel(CLEANUP_ABORT).catch(() => {});
  }
}
