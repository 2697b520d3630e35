import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { createParser } from 'eventsource-parser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatSseWriter } from '../../../src/adapters/api/sse.js';

/** A response whose socket pushes back while `full` is true, recording every write. */
class FakeSocketResponse extends EventEmitter {
  full = false;
  writes: string[] = [];
  destroyed = false;
  writableEnded = false;
  status = 0;
  writeHead(status: number) {
    this.status = status;
    return this;
  }
  flushHeaders() {}
  write(chunk: string) {
    this.writes.push(chunk);
    return !this.full;
  }
  end(chunk: string) {
    this.writes.push(chunk);
    this.writableEnded = true;
  }
  drain() {
    this.full = false;
    this.emit('drain');
  }
  events() {
    const events: { event: string; data: unknown }[] = [];
    const parser = createParser({
      onEvent: (e) => events.push({ event: e.event ?? 'message', data: JSON.parse(e.data) }),
    });
    parser.feed(this.writes.join(''));
    return events;
  }
}

const writerFor = (fake: FakeSocketResponse, pingMs?: number) =>
  new ChatSseWriter(fake as unknown as ServerResponse, pingMs);

afterEach(() => {
  vi.useRealTimers();
});

describe('ChatSseWriter', () => {
  it('writes each token as its own event while the socket keeps up', () => {
    const fake = new FakeSocketResponse();
    const writer = writerFor(fake);
    writer.text('token', 'Hel');
    writer.text('token', 'lo');
    writer.end('done', { finish_reason: 'stop' });
    expect(fake.status).toBe(200);
    expect(fake.writes).toEqual([
      'data: {"token":"Hel"}\n\n',
      'data: {"token":"lo"}\n\n',
      'event: done\ndata: {"finish_reason":"stop"}\n\n',
    ]);
  });

  it('never holds back the first token, and joins the tokens waiting behind a full socket into one event', () => {
    const fake = new FakeSocketResponse();
    fake.full = true;
    const writer = writerFor(fake);
    writer.text('token', 'A');
    expect(fake.writes).toEqual(['data: {"token":"A"}\n\n']);
    for (const token of ['b', 'c', 'd']) writer.text('token', token);
    expect(fake.writes).toHaveLength(1);
    fake.drain();
    expect(fake.events()).toEqual([
      { event: 'message', data: { token: 'A' } },
      { event: 'message', data: { token: 'bcd' } },
    ]);
  });

  it('keeps thinking and answer apart, in order, when joining', () => {
    const fake = new FakeSocketResponse();
    const writer = writerFor(fake);
    fake.full = true;
    writer.text('thinking', 'hm');
    writer.text('thinking', 'm');
    writer.text('token', 'Yes');
    writer.text('token', '!');
    writer.end('done', {});
    expect(fake.events()).toEqual([
      { event: 'message', data: { thinking: 'hm' } },
      { event: 'message', data: { thinking: 'm' } },
      { event: 'message', data: { token: 'Yes!' } },
      { event: 'done', data: {} },
    ]);
  });

  it('sends `: ping` on an idle stream, and nothing after the terminal event', () => {
    vi.useFakeTimers();
    const fake = new FakeSocketResponse();
    const writer = writerFor(fake, 15_000);
    vi.advanceTimersByTime(15_000);
    expect(fake.writes).toEqual([': ping\n\n']);
    writer.end('error', { error_code: 'PROVIDER_ERROR' });
    writer.text('token', 'late');
    vi.advanceTimersByTime(60_000);
    expect(fake.writes.at(-1)).toBe('event: error\ndata: {"error_code":"PROVIDER_ERROR"}\n\n');
    expect(fake.writes).toHaveLength(2);
  });
});
