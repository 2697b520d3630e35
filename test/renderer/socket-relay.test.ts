import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MainMessage } from '../../src/preload/ipc-protocol';
import { SocketRelay, type SubscriptionRunner } from '../../src/renderer/transport/socket-relay';

type Handlers = Parameters<SubscriptionRunner['subscribe']>[2];

/** A socket whose subscriptions the test drives: `emit` is one WebSocket message of a subscription. */
function fakeSocket() {
  const subscriptions: { path: string; input: unknown; handlers: Handlers; unsubscribed: boolean }[] = [];
  const runner: SubscriptionRunner = {
    subscribe(path, input, handlers) {
      const subscription = { path, input, handlers, unsubscribed: false };
      subscriptions.push(subscription);
      return {
        unsubscribe: () => {
          subscription.unsubscribed = true;
        },
      };
    },
  };
  return { runner, subscriptions };
}

let clock = 0;
let posts: MainMessage[][];
let socket: ReturnType<typeof fakeSocket>;
let relay: SocketRelay;

beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
  posts = [];
  socket = fakeSocket();
  relay = new SocketRelay({
    runner: socket.runner,
    post: (messages) => posts.push(messages),
    intervalMs: 50,
    now: () => clock,
  });
});

afterEach(() => {
  vi.useRealTimers();
});

const advance = (ms: number) => {
  clock += ms;
  vi.advanceTimersByTime(ms);
};

const subscribe = (id: number, path = 'chat.events') =>
  relay.receive({ type: 'request', id, op: { type: 'subscription', path, input: { chatId: 'c1' } } });

describe('SocketRelay (the page socket worker)', () => {
  it('hands the page 100 messages of one stream in one post, the first of them at once', () => {
    subscribe(1);
    const events = socket.subscriptions[0]!.handlers;
    events.onStarted();
    expect(posts).toEqual([[{ id: 1, type: 'started' }]]);
    for (let i = 0; i < 100; i += 1) events.onData({ type: 'token', text: `${i} ` });
    expect(posts).toHaveLength(1);
    advance(50);
    expect(posts).toHaveLength(2);
    expect(posts[1]).toHaveLength(100);
    expect(posts[1]!.map((message) => message.type === 'data' && message.data)).toEqual(
      Array.from({ length: 100 }, (_, i) => ({ type: 'token', text: `${i} ` })),
    );
  });

  it('posts at most once per interval however the messages are spread, keeping their order', () => {
    subscribe(1);
    subscribe(2, 'config.changes');
    const [chat, config] = socket.subscriptions.map((subscription) => subscription.handlers);
    for (let ms = 0; ms < 500; ms += 5) {
      chat!.onData({ type: 'token', text: String(ms) });
      if (ms === 250) config!.onData({ revision: 2 });
      advance(5);
    }
    chat!.onData({ type: 'done' });
    chat!.onComplete();
    advance(50);
    // 500 ms of messages every 5 ms, then the end: one post per 50 ms, not one per message.
    expect(posts.length).toBeLessThanOrEqual(12);
    const all = posts.flat();
    expect(all).toHaveLength(103);
    expect(all.filter((message) => message.id === 2)).toEqual([
      { id: 2, type: 'data', data: { revision: 2 } },
    ]);
    expect(all.slice(-2)).toEqual([
      { id: 1, type: 'data', data: { type: 'done' } },
      { id: 1, type: 'complete' },
    ]);
  });

  it("follows the page's render pace: a page rendering every 250 ms is woken 4 times a second, not 20", () => {
    subscribe(1);
    const chat = socket.subscriptions[0]!.handlers;
    const postsDuring = (ms: number) => {
      const before = posts.length;
      for (let at = 0; at < ms; at += 2) {
        chat.onData({ type: 'token', text: 'x' });
        advance(2);
      }
      return posts.length - before;
    };
    expect(postsDuring(1000)).toBeGreaterThanOrEqual(20);
    relay.pace(250);
    advance(50);
    expect(postsDuring(1000)).toBeLessThanOrEqual(4);
    // Never more often than the worker's own interval, and back to it when the stream ends.
    relay.pace(10);
    advance(250);
    expect(postsDuring(1000)).toBeGreaterThanOrEqual(20);
    advance(50);
    expect(posts.flat()).toHaveLength(1500);
  });

  it('posts a message after a quiet spell at once', () => {
    subscribe(1);
    socket.subscriptions[0]!.handlers.onData('first');
    advance(400);
    socket.subscriptions[0]!.handlers.onData('later');
    expect(posts).toEqual([
      [{ id: 1, type: 'data', data: 'first' }],
      [{ id: 1, type: 'data', data: 'later' }],
    ]);
  });

  it('stops a subscription when the page stops it, and only that one', () => {
    subscribe(1);
    subscribe(2);
    relay.receive({ type: 'stop', id: 1 });
    expect(socket.subscriptions.map((subscription) => subscription.unsubscribed)).toEqual([true, false]);
  });

  it("passes the server's error shape on, and a failed socket as an error without one", () => {
    subscribe(1);
    subscribe(2);
    const shape = { message: 'No such chat.', code: -32004, data: { errorCode: 'CHAT_NOT_FOUND' } };
    socket.subscriptions[0]!.handlers.onError(Object.assign(new Error('No such chat.'), { shape }));
    socket.subscriptions[1]!.handlers.onError(new Error('WebSocket closed'));
    advance(50);
    expect(posts.flat()).toEqual([
      { id: 1, type: 'error', error: shape },
      { id: 2, type: 'error', error: { message: 'WebSocket closed', code: -32603 } },
    ]);
  });

  it('answers a query or mutation sent to it with an error (they go over HTTP)', () => {
    relay.receive({ type: 'request', id: 7, op: { type: 'query', path: 'health' } });
    expect(posts.flat()).toEqual([
      {
        id: 7,
        type: 'error',
        error: expect.objectContaining({ message: expect.stringContaining('query health') }),
      },
    ]);
    expect(socket.subscriptions).toHaveLength(0);
  });
});
