import type { AppError } from '../../domain/errors.js';
import { CLEANUP_ABORT } from '../../shared/cleanup-abort.js';
import { parseRetryAfter } from './provider-errors.js';

/**
 * The `fetch` of every Ollama request, one per request (ollama-js is given it; the adapter sends
 * `/api/chat` with it itself). It adds what the SDK lacks: the chat's abort signal on every request
 * (its `list`/`show` take none) and the status and `Retry-After` of a failed answer (its errors keep
 * neither; on non-JSON error bodies it `console.log`s). The adapter reads and checks a streamed
 * answer's NDJSON itself (the SDK parses line by line, one await per line, and skips bad lines with
 * a `console.warn`).
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
    return response;
  };
}

/** One line of Ollama's streamed `/api/chat` answer, as far as LightChat reads it. */
export interface OllamaLine {
  message?: { content?: string; thinking?: string; tool_calls?: unknown };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

export type OllamaStreamProblem = { kind: 'malformed'; line: string } | { kind: 'error'; message: string };

/**
 * The lines of a streamed answer, parsed once, one batch per network read (so the adapter can join
 * what one read held without waiting for more). A line that is not a JSON object, or that carries
 * Ollama's `{"error": …}`, ends the stream with `streamError`, after the good lines before it.
 */
export async function* readOllamaLines<Line = OllamaLine>(
  body: ReadableStream<Uint8Array>,
  streamError: (problem: OllamaStreamProblem) => AppError,
): AsyncGenerator<Line[]> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let pending = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const text = pending + (done ? decoder.decode() : decoder.decode(value, { stream: true }));
      const lines = text.split('\n');
      pending = done ? '' : (lines.pop() ?? '');
      const parsed: Line[] = [];
      for (const line of lines) {
        if (!line.trim()) continue;
        const result = parseLine(line);
        if ('problem' in result) {
          if (parsed.length > 0) yield parsed;
          throw streamError(result.problem);
        }
        parsed.push(result.line as Line);
      }
      if (parsed.length > 0) yield parsed;
      if (done) return;
    }
  } finally {
    // Left early (stopped, failed): let go of the body; the request itself is aborted by the adapter.
    reader.cancel(CLEANUP_ABORT).catch(() => {});
  }
}

function parseLine(line: string): { line: OllamaLine } | { problem: OllamaStreamProblem } {
  const content = answerTextOf(line);
  if (content !== undefined) return { line: { message: { content } } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { problem: { kind: 'malformed', line } };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problem: { kind: 'malformed', line } };
  }
  if ('error' in parsed) return { problem: { kind: 'error', message: String(parsed.error) } };
  return { line: parsed as OllamaLine };
}

// How Ollama writes each line of an answer's text (Go's encoder: these fields, in this order).
const TEXT_LINE_START = '{"model":"';
const TEXT_LINE_CREATED = '","created_at":"';
const TEXT_LINE_MESSAGE = '","message":{"role":"assistant","content":"';
const TEXT_LINE_END = '"},"done":false}';
/** A quote, a backslash or a control character: a string's text that JSON escapes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings escape exactly these
const ESCAPED = /["\\\u0000-\u001f]/;

/**
 * The answer's text of a line written exactly as Ollama writes one token, read without
 * `JSON.parse`; undefined for any other line, which is parsed as JSON. Most lines of an answer are
 * such lines, and parsing each into its objects and strings (model, time, role, text) was the
 * largest part of the server's CPU per token (bench rows 1a/1b, ~20,000 lines a chat). The model's
 * name and the time must hold nothing JSON escapes, and the text must be a valid JSON string, so
 * the line is that object and nothing else: the same line as `JSON.parse` reads it.
 */
export function answerTextOf(line: string): string | undefined {
  if (!line.startsWith(TEXT_LINE_START) || !line.endsWith(TEXT_LINE_END)) return undefined;
  const created = line.indexOf(TEXT_LINE_CREATED, TEXT_LINE_START.length);
  if (created === -1) return undefined;
  const message = line.indexOf(TEXT_LINE_MESSAGE, created + TEXT_LINE_CREATED.length);
  if (message === -1) return undefined;
  if (ESCAPED.test(line.slice(TEXT_LINE_START.length, created))) return undefined;
  if (ESCAPED.test(line.slice(created + TEXT_LINE_CREATED.length, message))) return undefined;
  const from = message + TEXT_LINE_MESSAGE.length;
  const to = line.length - TEXT_LINE_END.length;
  // `..."content":"},"done":false}`: the two ends share their quote; not JSON.
  if (from > to) return undefined;
  const text = line.slice(from, to);
  if (!ESCAPED.test(text)) return text;
  try {
    const decoded: unknown = JSON.parse(`"${text}"`);
    return typeof decoded === 'string' ? decoded : undefined;
  } catch {
    return undefined;
  }
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
