import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { type HttpServer, startHttpServer } from '../../../src/adapters/api/http-server.js';
import { createLightChat, type LightChat } from '../../../src/app/create-lightchat.js';
import {
  FAKE_OPENAI_KEY,
  type FakeOllamaOptions,
  type FakeOpenAIOptions,
  type FakeOpenAIServer,
  type FakeProviderServer,
  startFakeOllama,
  startFakeOpenAI,
} from '../../fixtures/index.js';

export interface World {
  url: string;
  port: number;
  core: LightChat;
  server: HttpServer;
  ollama: FakeProviderServer;
  openai: FakeOpenAIServer;
  dir: string;
  settingsPath: string;
  /** The API token this server requires (CONTRACT section 4). */
  token: string;
  /** `{authorization: 'Bearer <token>'}`, for requests made with `fetch`. */
  auth: Record<string, string>;
  close(): Promise<void>;
}

export interface WorldOptions {
  ollama?: FakeOllamaOptions;
  openai?: FakeOpenAIOptions;
  /** Extra YAML lines appended to each provider entry, by provider id. */
  providerExtras?: Partial<Record<'fake_ollama' | 'fake_openai', string[]>>;
  staticDir?: string;
  chatIdleMs?: number;
  /** Caps the history database (pages of 4 KiB): writes past it fail as on a full disk. */
  historyMaxPageCount?: number;
  /** `history.auto_title` (off by default in tests). */
  autoTitle?: boolean;
  /** How long a stored chat runs on without a subscriber. */
  chatLingerMs?: number;
  env?: Record<string, string | undefined>;
  /** A history in the world's temp dir (off by default: most tests need none, and it costs a worker). */
  history?: boolean;
  /** `--no-auth`: no token required. */
  noAuth?: boolean;
  /** Top-level YAML lines written before `providers:` (e.g. `mcp_servers`). */
  settingsLines?: string[];
}

/**
 * A LightChat core on a temp settings file whose two providers are the test fakes (Ollama, the
 * default, with model `llama3.2`; OpenAI with the fake key in the file), served on a free port.
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const ollama = await startFakeOllama({ models: ['llama3.2'], ...options.ollama });
  const openai = await startFakeOpenAI({ requireApiKey: true, ...options.openai });
  const dir = await mkdtemp(join(tmpdir(), 'lightchat-api-'));
  const settingsPath = join(dir, 'settings.yaml');
  const extras = (id: 'fake_ollama' | 'fake_openai') =>
    (options.providerExtras?.[id] ?? []).map((line) => `    ${line}\n`).join('');
  await writeFile(
    settingsPath,
    [
      '# test settings: keep this comment',
      'default_provider: fake_ollama',
      'logging_enabled: true',
      ...(options.settingsLines ?? []),
      'providers:',
      '  - id: fake_ollama   # the local fake',
      '    name: Fake Ollama',
      '    type: ollama',
      `    host: ${ollama.url}`,
      '    default_model: llama3.2',
      `${extras('fake_ollama')}  - id: fake_openai`,
      '    type: openai',
      `    host: ${openai.baseUrl}`,
      `    api_key: ${FAKE_OPENAI_KEY}`,
      '    default_model: gpt-4o-mini',
      `${extras('fake_openai')}`,
      // Titles by the model are asked for only where a test looks at them (they would race the others).
      ...(options.autoTitle ? [] : ['history:', '  auto_title: false', '']),
    ].join('\n'),
  );
  const core = await createLightChat({
    settingsPath,
    logDir: join(dir, 'logs'),
    env: options.env ?? {},
    dataDir: join(dir, 'data'),
    history: options.history === true,
    auth: options.noAuth ? false : undefined,
    chatIdleMs: options.chatIdleMs,
    chatLingerMs: options.chatLingerMs,
    historyMaxPageCount: options.historyMaxPageCount,
  });
  const server = await startHttpServer({
    core,
    port: 0,
    staticDir: options.staticDir ?? join(dir, 'no-renderer'),
  });
  return {
    url: server.url,
    port: server.port,
    core,
    server,
    ollama,
    openai,
    dir,
    settingsPath,
    token: core.apiToken.current(),
    auth: authHeader(core.apiToken.current()),
    async close() {
      await server.close();
      await core.close();
      await Promise.all([ollama.close(), openai.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface SseEvent {
  event: string;
  data: unknown;
  /** ms since the request was sent */
  at: number;
}

/** Reads a whole SSE body with a real parser; `onEvent` sees each event as it arrives. */
export async function readSse(
  response: Response,
  onEvent?: (event: SseEvent) => void,
  sentAt = performance.now(),
): Promise<{ events: SseEvent[]; comments: string[] }> {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      const event = {
        event: message.event ?? 'message',
        data: JSON.parse(message.data),
        at: performance.now() - sentAt,
      };
      events.push(event);
      onEvent?.(event);
    },
    onComment: (comment) => comments.push(comment),
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as AsyncIterable<Uint8Array>)
    parser.feed(decoder.decode(chunk, { stream: true }));
  return { events, comments };
}

export const authHeader = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** `POST /chat` to a server, with its API token when it has one. */
export function postChat(
  server: { url: string; token?: string },
  body: unknown,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${server.url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(server.token ? authHeader(server.token) : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

/** The text of all token events, and the one terminal event. */
export function summarise(events: SseEvent[]) {
  const tokens = events.filter((e) => e.event === 'message' && isRecord(e.data) && 'token' in e.data);
  const thinking = events.filter((e) => e.event === 'message' && isRecord(e.data) && 'thinking' in e.data);
  const terminal = events.filter((e) => e.event === 'done' || e.event === 'error');
  return {
    text: tokens.map((e) => (e.data as { token: string }).token).join(''),
    thinking: thinking.map((e) => (e.data as { thinking: string }).thinking).join(''),
    terminal,
    last: events.at(-1),
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request with headers `fetch` will not send (a foreign or missing Host). */
export function rawRequest(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    noHost?: boolean;
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/health',
        headers: options.headers,
        setHost: !options.noHost,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Bytes straight onto a socket (e.g. an empty `Host:` line, which Node's client will not send). */
export function rawHttp(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
