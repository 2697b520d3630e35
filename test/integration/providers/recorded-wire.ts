import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Streams real servers sent, recorded in the shared data next to the repository
 * (`<repo>/../shared/data/real-wire/`, README.md there): read in place, never copied into the project.
 */
export const REAL_WIRE_DIR = fileURLToPath(new URL('../../../../shared/data/real-wire/', import.meta.url));

export interface Recording {
  id: string;
  kind: 'openai-sse' | 'ollama-ndjson' | 'anthropic-sse' | 'gemini-sse' | 'error';
  api: 'openai' | 'ollama' | 'anthropic' | 'gemini';
  status: number;
  headers: Record<string, string>;
  model: string;
  error_paths?: Array<'chat' | 'models' | 'show'>;
  expect: {
    text: string;
    thinking: string;
    finish_reason?: string;
    usage?: { prompt_tokens: number | null; completion_tokens: number | null };
    error_code?: string;
  };
  body: string;
}

export function loadRecordings(): Recording[] {
  return readdirSync(REAL_WIRE_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({
      id: name.replace(/\.json$/, ''),
      ...(JSON.parse(readFileSync(`${REAL_WIRE_DIR}${name}`, 'utf8')) as Omit<Recording, 'id'>),
    }));
}

/** How the recorded bytes are cut into TCP writes. */
export type Cutting = 'per-event' | 'awkward';

/**
 * The byte offsets where a body is cut. `per-event`: after each SSE event (`\n\n`) or NDJSON line.
 * `awkward`: inside every `data:` field name, inside every line's first JSON bytes, between the two
 * newlines ending each SSE event, and inside every multi-byte UTF-8 character.
 */
export function cutPoints(body: Buffer, cutting: Cutting): number[] {
  const cuts = new Set<number>();
  const text = body.toString('latin1'); // one char per byte: offsets are byte offsets
  if (cutting === 'per-event') {
    const separator = text.includes('\n\n') ? '\n\n' : '\n';
    for (let at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + separator.length)) {
      cuts.add(at + separator.length);
    }
  } else {
    for (let at = text.indexOf('data:'); at >= 0; at = text.indexOf('data:', at + 1)) cuts.add(at + 2);
    for (let at = text.indexOf('\n\n'); at >= 0; at = text.indexOf('\n\n', at + 2)) cuts.add(at + 1);
    for (let at = text.indexOf('\n{'); at >= 0; at = text.indexOf('\n{', at + 1)) cuts.add(at + 4);
    for (let at = 0; at < body.length; at++) {
      // A continuation byte (10xxxxxx): a cut before it splits a character.
      if ((body[at]! & 0xc0) === 0x80) cuts.add(at);
    }
  }
  return [...cuts].filter((at) => at > 0 && at < body.length).sort((a, b) => a - b);
}

/** Writes `body` in pieces, each its own `write`, waiting for it to be flushed before the next. */
async function writeInPieces(response: ServerResponse, body: Buffer, cuts: number[]): Promise<void> {
  let from = 0;
  for (const at of [...cuts, body.length]) {
    const piece = body.subarray(from, at);
    from = at;
    if (piece.length === 0) continue;
    await new Promise<void>((resolve, reject) =>
      response.write(piece, (error) => (error ? reject(error) : resolve())),
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end();
}

/**
 * A loopback server that answers like the recorded provider: the chat route with the recording's
 * status, headers and body (cut as asked), and the Ollama `/api/show` and model-list routes —
 * with the recorded error when the recording says that route answers with it.
 */
export async function replayServer(
  recording: Recording,
  cutting: Cutting,
): Promise<{ url: string; close: () => Promise<void> }> {
  const body = Buffer.from(recording.body, 'utf8');
  const errorOn = new Set(recording.error_paths ?? []);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const route =
      path.endsWith('/chat/completions') ||
      path === '/api/chat' ||
      path === '/v1/messages' ||
      path.endsWith(':streamGenerateContent')
        ? 'chat'
        : path.endsWith('/models') || path === '/api/tags'
          ? 'models'
          : path === '/api/show'
            ? 'show'
            : 'other';
    request.resume();
    if (route === 'chat' || (recording.kind === 'error' && route !== 'other' && errorOn.has(route))) {
      response.writeHead(recording.status, recording.headers);
      void writeInPieces(response, body, recording.kind === 'error' ? [] : cutPoints(body, cutting)).catch(
        () => response.destroy(),
      );
      return;
    }
    if (route === 'show') {
      const thinks = recording.expect.thinking !== '';
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ capabilities: thinks ? ['completion', 'thinking'] : ['completion'] }));
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: `no route ${path}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
