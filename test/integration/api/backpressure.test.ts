import { connect } from 'node:net';
import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../fixtures/wait-for.js';
import { startWorld, type World } from './support.js';

const TOKENS = 60_000;

let world: World;
beforeAll(async () => {
  world = await startWorld({
    ollama: {
      models: ['llama3.2', 'flood'],
      behaviour: { tokens: Array.from({ length: TOKENS }, (_, i) => `${i % 10}`) },
    },
  });
});
afterAll(() => world.close());

describe('a slow client', () => {
  it('gets the waiting tokens joined into fewer events, all text kept, tokens counted one by one', {
    timeout: 60_000,
  }, async () => {
    const body = JSON.stringify({ prompt: 'flood me', model_id: 'flood' });
    const socket = connect(world.port, '127.0.0.1');
    socket.write(
      `POST /chat HTTP/1.1\r\nHost: 127.0.0.1:${world.port}\r\nAuthorization: Bearer ${world.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    // Read nothing until the provider has sent the whole answer: the server's socket fills up.
    socket.pause();
    // 60,000 tokens take about a second here; 30 s only stops a hung run.
    await waitFor(() => world.ollama.stats.completed === 1, 30_000, 'the provider sent the whole answer');
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      raw += chunk;
    });
    socket.resume();
    await new Promise((resolve) => socket.on('end', resolve));

    const events: { event: string; data: Record<string, unknown> }[] = [];
    const parser = createParser({
      onEvent: (e) => events.push({ event: e.event ?? 'message', data: JSON.parse(e.data) }),
    });
    // Chunked transfer encoding: drop the chunk-size lines before parsing.
    parser.feed(raw.slice(raw.indexOf('\r\n\r\n') + 4).replace(/\r\n[0-9a-f]+\r\n/g, ''));
    const tokens = events.filter((e) => 'token' in e.data);
    const text = tokens.map((e) => e.data.token).join('');
    expect(text).toBe(Array.from({ length: TOKENS }, (_, i) => `${i % 10}`).join(''));
    expect(tokens.length).toBeLessThan(TOKENS);
    expect(tokens[0]?.data.token).toBe('0');
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(done?.data.usage).toEqual(expect.objectContaining({ completion_tokens: TOKENS }));
  });
});
