import type { AppError } from '../../domain/errors.js';
import { parseRetryAfter } from './provider-errors.js';

/**
 * The `fetch` ollama-js is given, one per request. It adds what the SDK lacks: the chat's abort
 * signal on every request (its `list`/`show` take none), the status and `Retry-After` of a failed
 * answer (its errors keep neither), and a check of each NDJSON line before the SDK parses it (the
 * SDK `console.log`s on non-JSON error bodies and skips bad lines with a `console.warn`).
 */
export class OllamaHttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterS: number | undefined,
  ) {
    super(message);
    this.name = 'OllamaHttpFailure';
  }
}

export interface OllamaFetchOptions {
  base: typeof fetch;
  signal?: AbortSignal | undefined;
  /** Makes the error of a line that is not JSON, or of an `{"error": …}` line in the stream. */
  streamError: (
    problem: { kind: 'malformed'; line: string } | { kind: 'error'; message: string },
  ) => AppError;
}

export function ollamaFetch(options: OllamaFetchOptions): typeof fetch {
  return async (input, init) => {
    const signal = combine(init?.signal ?? undefined, options.signal);
    const response = await options.base(input, { ...init, ...(signal ? { signal } : {}) });
    if (!response.ok) {
      throw new OllamaHttpFailure(
        response.status,
        await errorText(response),
        parseRetryAfter(response.headers),
      );
    }
    if (!response.body || !isNdjson(response)) return response;
    return new Response(response.body.pipeThrough(checkedLines(options.streamError)), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** Ollama streams `application/x-ndjson`; some proxies relabel it, so a streamed POST counts too. */
function isNdjson(response: Response): boolean {
  const type = response.headers.get('content-type') ?? '';
  return type.includes('ndjson') || type.includes('jsonl');
}

/**
 * Hands the SDK only complete, checked lines; errors the stream at a line that is not JSON or
 * that carries Ollama's `{"error": …}`. (Good lines of the same network chunk may be dropped with
 * it: the stream fails either way, and the partial answer so far is kept by the ChatService.)
 */
function checkedLines(
  streamError: OllamaFetchOptions['streamError'],
): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  const pass = (lines: string[], controller: TransformStreamDefaultController<Uint8Array>): void => {
    let good = '';
    for (const line of lines) {
      const problem = lineProblem(line);
      if (problem) {
        if (good) controller.enqueue(encoder.encode(good));
        controller.error(streamError(problem));
        return;
      }
      if (line.trim()) good += `${line}\n`;
    }
    if (good) controller.enqueue(encoder.encode(good));
  };
  return new TransformStream({
    transform(chunk, controller) {
      const lines = (pending + decoder.decode(chunk, { stream: true })).split('\n');
      pending = lines.pop() ?? '';
      pass(lines, controller);
    },
    flush(controller) {
      pass([pending + decoder.decode()], controller);
    },
  });
}

function lineProblem(
  line: string,
): { kind: 'malformed'; line: string } | { kind: 'error'; message: string } | undefined {
  if (!line.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { kind: 'malformed', line };
  }
  if (parsed instanceof Object && 'error' in parsed) {
    return { kind: 'error', message: String((parsed as { error: unknown }).error) };
  }
  return undefined;
}

/** Ollama's error bodies are `{"error": "…"}`; anything else is shown as text, shortened. */
async function errorText(response: Response): Promise<string> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    return response.statusText;
  }
  try {
    const body: unknown = JSON.parse(text);
    if (body instanceof Object && typeof (body as { error?: unknown }).error === 'string') {
      return (body as { error: string }).error;
    }
  } catch {
    // not JSON: the text itself
  }
  return text.trim().slice(0, 300) || response.statusText;
}

function combine(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a && b) return AbortSignal.any([a, b]);
  return a ?? b;
}
