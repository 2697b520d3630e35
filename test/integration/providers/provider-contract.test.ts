import { describe, expect, it } from 'vitest';
import { refusedUrl } from '../../fixtures/refused-url.js';
import { abortSeen, doneOf, drain, droppingServer, gate, mockProviderServer, textOf } from './support.js';
import { anthropicWorld, geminiWorld, ollamaWorld, openaiWorld, SECRET_KEY } from './worlds.js';

const server = mockProviderServer();

/** What every provider adapter must do, whatever its wire format (STYLE: a shared contract test). */
describe.each([ollamaWorld, openaiWorld, anthropicWorld, geminiWorld])(
  'the $name adapter, as every provider',
  (world) => {
    it('streams tokens in order and ends with one done carrying finish reason and usage', async () => {
      world.onChat(server, (request) =>
        world.stream(request, [{ token: 'Hel' }, { token: 'lo' }, { done: true }]),
      );
      const { chunks, error } = await drain(world.provider(), { model: world.model });
      expect(error).toBeUndefined();
      expect(chunks).toEqual([
        { type: 'token', text: 'Hel' },
        { type: 'token', text: 'lo' },
        { type: 'done', finishReason: 'stop', usage: { promptTokens: 12, completionTokens: 2 } },
      ]);
    });

    it('hands each chunk on as it arrives (a slow stream is not buffered)', async () => {
      const next = gate();
      world.onChat(server, (request) =>
        world.stream(request, [{ token: 'Hel' }, { wait: next.opened }, { token: 'lo' }, { done: true }]),
      );
      const iterator = world
        .provider()
        .streamChat(
          { model: world.model, messages: [{ role: 'user', content: 'Hi' }], options: {} },
          new AbortController().signal,
        )
        [Symbol.asyncIterator]();
      expect((await iterator.next()).value).toEqual({ type: 'token', text: 'Hel' });
      next.open();
      expect((await iterator.next()).value).toEqual({ type: 'token', text: 'lo' });
      expect((await iterator.next()).value).toMatchObject({ type: 'done' });
    });

    it('aborts the HTTP request when the chat signal aborts, and ends without an error', async () => {
      const requests = world.onChat(server, (request) =>
        world.stream(request, [{ token: 'Hel' }, { hang: true }]),
      );
      const stop = new AbortController();
      const chunks: unknown[] = [];
      for await (const chunk of world
        .provider()
        .streamChat(
          { model: world.model, messages: [{ role: 'user', content: 'Hi' }], options: {} },
          stop.signal,
        )) {
        chunks.push(chunk);
        stop.abort();
      }
      expect(chunks).toEqual([{ type: 'token', text: 'Hel' }]);
      await abortSeen(requests[0]!);
    });

    it('aborts the HTTP request when the consumer leaves the loop early (break)', async () => {
      const requests = world.onChat(server, (request) =>
        world.stream(request, [{ token: 'Hel' }, { hang: true }]),
      );
      for await (const chunk of world
        .provider()
        .streamChat(
          { model: world.model, messages: [{ role: 'user', content: 'Hi' }], options: {} },
          new AbortController().signal,
        )) {
        expect(chunk).toEqual({ type: 'token', text: 'Hel' });
        break;
      }
      await abortSeen(requests[0]!);
    });

    it('yields no done when the stream closes before the answer is finished (the service calls it cut)', async () => {
      world.onChat(server, (request) => world.stream(request, [{ token: 'Hel' }]));
      const { chunks, error } = await drain(world.provider(), { model: world.model });
      expect(error).toBeUndefined();
      expect(chunks).toEqual([{ type: 'token', text: 'Hel' }]);
    });

    it('reports a connection dropped mid-stream as PROVIDER_ERROR after the chunks before it', async () => {
      const dropping = await droppingServer(world.wire.contentType, world.wire.token('Hel'));
      const { chunks, error } = await drain(world.provider({ host: world.hostAt(dropping.url) }), {
        model: world.model,
      });
      await dropping.close();
      expect(textOf(chunks)).toBe('Hel');
      expect(doneOf(chunks)).toEqual([]);
      expect(error).toMatchObject({ code: 'PROVIDER_ERROR', failure: 'connection' });
      expect(error?.message).toMatch(/lost in the middle of the answer/);
    });

    it('reports a malformed chunk as PROVIDER_ERROR, silently (no SDK console noise)', async () => {
      world.onChat(server, (request) =>
        world.stream(request, [{ token: 'Hel' }, { wait: 5 }, '{"not json\n\ndata: {broken\n\n']),
      );
      const noise = captureConsole();
      const { error } = await drain(world.provider(), { model: world.model });
      noise.restore();
      expect(error).toMatchObject({ code: 'PROVIDER_ERROR' });
      expect(error?.message).toMatch(/malformed chunk/);
      expect(noise.lines).toEqual([]);
    });

    it('maps a 500 to PROVIDER_ERROR with failure "server" (retryable by the service)', async () => {
      const requests = world.onChat(server, () => world.status(500));
      const { error } = await drain(world.provider(), { model: world.model });
      expect(error).toMatchObject({ code: 'PROVIDER_ERROR', failure: 'server', details: { status: 500 } });
      expect(requests).toHaveLength(1); // the adapter never retries on its own
    });

    it('maps a 429 to PROVIDER_RATE_LIMITED with the Retry-After in seconds', async () => {
      const requests = world.onChat(server, () => world.status(429, { 'retry-after': '7' }));
      const { error } = await drain(world.provider(), { model: world.model });
      expect(error).toMatchObject({
        code: 'PROVIDER_RATE_LIMITED',
        failure: 'rate_limit',
        retryAfterS: 7,
        details: { retry_after_s: 7 },
      });
      expect(requests).toHaveLength(1);
    });

    it('maps a 404 for the model to MODEL_NOT_FOUND, not retryable', async () => {
      world.onChat(server, () => world.modelNotFound('nope'));
      const { error } = await drain(world.provider(), { model: 'nope' });
      expect(error).toMatchObject({
        code: 'MODEL_NOT_FOUND',
        failure: 'client',
        details: { model_id: 'nope' },
      });
    });

    it('maps a refused connection to PROVIDER_UNREACHABLE with failure "connection"', async () => {
      const host = await refusedUrl();
      const { error } = await drain(world.provider({ host }), { model: world.model });
      expect(error).toMatchObject({ code: 'PROVIDER_UNREACHABLE', failure: 'connection' });
      expect(error?.message).toContain(host);
      expect(error?.message).toMatch(/connection refused/);
    });

    it('streams thinking apart from the text', async () => {
      world.onChat(server, (request) =>
        world.stream(request, [{ thinking: 'pl' }, { thinking: 'an' }, { token: 'Hi' }, { done: true }]),
      );
      const { chunks, error } = await drain(world.provider(), { model: world.model });
      expect(error).toBeUndefined();
      expect(textOf(chunks, 'thinking')).toBe('plan');
      expect(textOf(chunks)).toBe('Hi');
      expect(doneOf(chunks)).toHaveLength(1);
    });

    it('splits inline <think> tags out of the text as thinking where the API sends them so', async () => {
      world.onChat(server, (request) =>
        world.stream(request, [
          { token: '<thi' },
          { token: 'nk>plan</th' },
          { token: 'ink>Hi' },
          { done: true },
        ]),
      );
      const { chunks } = await drain(world.provider(), { model: world.model });
      // An API with its own thinking blocks passes the tags on as the answer's text.
      expect(textOf(chunks, 'thinking')).toBe(world.inlineThinkTags ? 'plan' : '');
      expect(textOf(chunks)).toBe(world.inlineThinkTags ? 'Hi' : '<think>plan</think>Hi');
    });

    it('lists models, or fails listing with an AppError', async () => {
      const host = await refusedUrl();
      await expect(world.provider({ host }).listModels()).rejects.toMatchObject({
        code: 'PROVIDER_UNREACHABLE',
      });
    });

    it('never puts the API key or proxy credentials in an error', async () => {
      world.onChat(server, () => Response.json({ error: `bad key ${SECRET_KEY}` }, { status: 400 }));
      const provider = world.provider({ proxy: 'http://alice:hunter2@127.0.0.1:9' });
      const { error } = await drain(provider, { model: world.model });
      const everything = JSON.stringify({ message: error?.message, details: error?.details });
      expect(error).toBeDefined();
      expect(everything).not.toContain(SECRET_KEY);
      expect(everything).not.toContain('hunter2');
    });
  },
);

function captureConsole(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const originals = { log: console.log, warn: console.warn, error: console.error };
  for (const name of ['log', 'warn', 'error'] as const) {
    console[name] = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  }
  return {
    lines,
    restore: () => Object.assign(console, originals),
  };
}
