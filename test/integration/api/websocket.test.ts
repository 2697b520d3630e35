import { request as httpRequest } from 'node:http';
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AppRouter } from '../../../src/adapters/api/router.js';
import type { ChatEvent } from '../../../src/client/index.js';
import { errorCodeOf } from '../../../src/client/index.js';
import { FAKE_OLLAMA_ANSWER, waitFor } from '../../fixtures/index.js';
import { authHeader, rawHttp, startWorld, type World } from './support.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: ['llama3.2', 'slow'],
      behaviour: (request) =>
        request.model === 'slow'
          ? { text: FAKE_OLLAMA_ANSWER, tokensPerSecond: 20 }
          : { text: FAKE_OLLAMA_ANSWER },
    },
  });
});
afterAll(() => world?.close());

const hi = [{ role: 'user' as const, content: 'hi' }];

interface Upgrade {
  /** 101 when the server took the WebSocket, else the HTTP status it refused with. */
  status: number;
  body: string;
}

/** An upgrade request to `/trpc` with the given headers (Node's client lets us set Host and Origin). */
function upgrade(headers: Record<string, string>, options: { noHost?: boolean; path?: string } = {}) {
  return new Promise<Upgrade>((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: world.port,
      path: options.path ?? '/trpc',
      setHost: !options.noHost,
      agent: false,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, body: '' });
    });
    req.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      // The server closes the connection after its refusal: 'end' comes only if it does.
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const own = (port = world.port) => ({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` });

/** The web UI's client: subscriptions over one WebSocket, the rest over HTTP. */
function webClient(server: World = world, token: { value?: string } = { value: server.token }) {
  const headers = own(server.port);
  const opened: WebSocket[] = [];
  // The page's WebSocket, with the headers a browser on our origin sends.
  class PageWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
      opened.push(this);
    }
  }
  const closes: (number | undefined)[] = [];
  const wsClient = createWSClient({
    url: `${server.url.replace('http', 'ws')}/trpc`,
    WebSocket: PageWebSocket as unknown as typeof globalThis.WebSocket,
    // As the page does: a browser's WebSocket cannot send headers, so the token goes in the first message.
    connectionParams: () => (token.value === undefined ? {} : { token: token.value }),
    lazy: { enabled: true, closeMs: 60_000 },
    retryDelayMs: () => 60_000,
    onClose: (cause) => closes.push(cause?.code),
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpBatchLink({ url: `${server.url}/trpc`, headers: authHeader(server.token) }),
      }),
    ],
  });
  return { client, opened, closes, close: () => wsClient.close() };
}

type Client = ReturnType<typeof webClient>['client'];

function events(client: Client, chatId: string, onEvent?: (event: ChatEvent) => void) {
  const seen: ChatEvent[] = [];
  const ended = new Promise<{ error?: unknown }>((resolve) => {
    client.chat.events.subscribe(
      { chatId },
      {
        onData(event) {
          seen.push(event);
          onEvent?.(event);
        },
        onError: (error) => resolve({ error }),
        onComplete: () => resolve({}),
      },
    );
  });
  return { seen, ended };
}

const textOf = (seen: ChatEvent[]) => seen.flatMap((e) => (e.type === 'token' ? [e.text] : [])).join('');

describe('the WebSocket upgrade on /trpc runs the checks of section 4', () => {
  it('refuses a foreign Origin with 403 FORBIDDEN_ORIGIN and closes the connection', async () => {
    const answer = await upgrade({ ...own(), origin: 'http://evil.example' });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual(expect.objectContaining({ error_code: 'FORBIDDEN_ORIGIN' }));
  });

  it('refuses a foreign Host with 403 FORBIDDEN_HOST', async () => {
    const answer = await upgrade({ ...own(), host: `evil.example:${world.port}` });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual(expect.objectContaining({ error_code: 'FORBIDDEN_HOST' }));
  });

  it('refuses a missing or empty Host with 403 FORBIDDEN_HOST', async () => {
    const missing = await upgrade({ origin: own().origin }, { noHost: true });
    expect(missing.status).toBe(403);
    const empty = await rawHttp(
      world.port,
      'GET /trpc HTTP/1.1\r\nHost: \r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(empty).toMatch(/^HTTP\/1.1 403 /);
    expect(empty).toContain('"error_code":"FORBIDDEN_HOST"');
  });

  it('refuses a cross-site Sec-Fetch-Site and a WebSocket on any other path', async () => {
    expect((await upgrade({ ...own(), 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await upgrade(own(), { path: '/chat' })).status).toBe(404);
  });

  it('takes the upgrade from our own origin (and from a client that sends no Origin)', async () => {
    expect((await upgrade(own())).status).toBe(101);
    expect((await upgrade({ host: `localhost:${world.port}` })).status).toBe(101);
  });
});

describe('subscriptions over the WebSocket', () => {
  it('streams a chat started over HTTP on the WebSocket: tokens, one done, then completes', async () => {
    const web = webClient();
    try {
      const { chatId } = await web.client.chat.start.mutate({ messages: hi });
      const { seen, ended } = events(web.client, chatId);
      expect(await ended).toEqual({});
      expect(textOf(seen)).toBe(FAKE_OLLAMA_ANSWER);
      expect(seen.filter((e) => e.type === 'done' || e.type === 'error')).toHaveLength(1);
      expect(seen.at(-1)).toEqual(expect.objectContaining({ type: 'done', finishReason: 'stop' }));
    } finally {
      web.close();
    }
  });

  it('carries several subscriptions of a tab on one connection', async () => {
    const web = webClient();
    try {
      const config = web.client.config.changes.subscribe(undefined, { onData: () => {} });
      const tail = web.client.logs.tail.subscribe(undefined, { onData: () => {} });
      const chats = await Promise.all(
        [1, 2].map(async () => {
          const { chatId } = await web.client.chat.start.mutate({ messages: hi });
          return events(web.client, chatId);
        }),
      );
      for (const chat of chats) expect(await chat.ended).toEqual({});
      for (const chat of chats) expect(textOf(chat.seen)).toBe(FAKE_OLLAMA_ANSWER);
      expect(web.opened).toHaveLength(1);
      config.unsubscribe();
      tail.unsubscribe();
    } finally {
      web.close();
    }
  });

  it('gives CHAT_NOT_FOUND for an unknown chat id, as over HTTP', async () => {
    const web = webClient();
    try {
      expect(errorCodeOf((await events(web.client, 'not-a-chat').ended).error)).toBe('CHAT_NOT_FOUND');
    } finally {
      web.close();
    }
  });

  it('a closed WebSocket stops its chats and aborts the provider request', async () => {
    const web = webClient();
    const aborted = world.ollama.stats.aborted;
    const { chatId } = await web.client.chat.start.mutate({ messages: hi, modelId: 'slow' });
    let firstToken = false;
    events(web.client, chatId, (event) => {
      if (event.type === 'token') firstToken = true;
    });
    await waitFor(() => firstToken, 5000, 'the first token');
    web.opened[0]?.terminate();
    await waitFor(() => world.ollama.stats.aborted === aborted + 1, 5000, 'the fake sees the abort');
    web.close();
  });

  it('closes a connection whose message is larger than 1 MiB (1009)', async () => {
    const socket = new WebSocket(`${world.url.replace('http', 'ws')}/trpc`, {
      headers: { ...own(), ...authHeader(world.token) },
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => {});
    socket.send('x'.repeat(1024 * 1024 + 1));
    expect(await closed).toBe(1009);
  });
});

describe('the API token on the WebSocket (section 4)', () => {
  for (const [label, token] of [
    ['no token', undefined],
    ['a wrong token', 'not-the-token'],
  ] as const) {
    it(`refuses a subscription sent with ${label}: no event, and the chat still waits for its owner`, async () => {
      const owner = webClient();
      const { chatId } = await owner.client.chat.start.mutate({ messages: hi });
      const stranger = webClient(world, { value: token });
      const refused = events(stranger.client, chatId);
      // The refusal claims nothing: the page that holds the token still gets the whole answer.
      const chat = events(owner.client, chatId);
      expect(await chat.ended).toEqual({});
      expect(textOf(chat.seen)).toBe(FAKE_OLLAMA_ANSWER);
      expect(refused.seen).toEqual([]);
      stranger.close();
      owner.close();
    });
  }

  it('takes the token from the Authorization header of the upgrade request too (scripts)', async () => {
    const socket = new WebSocket(`${world.url.replace('http', 'ws')}/trpc`, {
      headers: { ...own(), ...authHeader(world.token) },
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const answer = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    socket.send(JSON.stringify({ id: 1, method: 'query', params: { path: 'health', input: undefined } }));
    expect(JSON.parse(await answer)).toEqual(expect.objectContaining({ id: 1, result: expect.anything() }));
    socket.close();
  });
});

describe('shutdown', () => {
  it('ends a streaming chat on the WebSocket with SERVER_SHUTTING_DOWN, then closes the connection', async () => {
    const local = await startWorld({
      ollama: { models: ['slow'], behaviour: () => ({ text: FAKE_OLLAMA_ANSWER, tokensPerSecond: 20 }) },
    });
    const web = webClient(local);
    try {
      const { chatId } = await web.client.chat.start.mutate({ messages: hi, modelId: 'slow' });
      let firstToken = false;
      const chat = events(web.client, chatId, (event) => {
        if (event.type === 'token') firstToken = true;
      });
      await waitFor(() => firstToken, 5000, 'the first token');
      await local.server.close();
      await chat.ended;
      expect(chat.seen.at(-1)).toEqual(
        expect.objectContaining({ type: 'error', errorCode: 'SERVER_SHUTTING_DOWN' }),
      );
      await waitFor(() => web.closes.length > 0, 5000, 'the WebSocket closed');
      expect(web.closes[0]).toBe(1001);
    } finally {
      web.close();
      await local.close();
    }
  });
});
